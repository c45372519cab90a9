"""Identifiers of the Mazovian records (``fixtures/*.yaml``, loaded once per test session
by ``loadrecords``) that tests refer to. Use these names instead of writing the slugs and
TERYT codes out, so a reader sees which record a test means and a renamed record is
changed here once."""

# Programme editions (programmes.Programme.slug).
PROGRAMME_2003 = "wlog-2003-2010"
PROGRAMME_2017 = "wlosg-2017"

# Workshop cycles (workshops.WorkshopCycle.slug): one per county and edition.
PLOCK_2003 = "wlog-2003-2010-plocki"
LOSICE_2003 = "wlog-2003-2010-losicki"
PLOCK_2017 = "wlosg-2017-plocki"
LOSICE_2017 = "wlosg-2017-losicki"

# Voivodeships (programmes.Voivodeship.code, the TERYT code).
MAZOWIECKIE = "14"  # the records' voivodeship: its coordinator sees them
LODZKIE = "10"  # another voivodeship ("another voivodeship's coordinator")

# Counties (programmes.County.code, the TERYT code).
PLOCK = "1419"  # powiat płocki: both editions' cycles, the default staff member's county
LOSICE = "1410"  # powiat łosicki: the other county with cycles ("another county's staff")
BIALOBRZEGI = "1401"  # powiat białobrzeski: no records of its own, for volume data
