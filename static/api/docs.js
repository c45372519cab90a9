// Swagger UI over the portal's OpenAPI description; a file of its own, as the
// Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var container = document.getElementById("swagger-ui");
  if (!container || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  SwaggerUIBundle({
    url: container.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    supportedSubmitMethods: ["get", "head"],
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
