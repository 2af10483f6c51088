// Swagger UI for /docs, from the packaged bundle (a file: the CSP allows no inline script).
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
