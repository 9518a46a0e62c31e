// Deployment settings, read before the app starts. This is the one file to edit per deployment.
//
// apiBaseUrl: where the HTTP API answers, e.g. "https://tracing-api.example.com" (no trailing
// slash). Empty means the same origin as this page, as the local stack serves it. An API on
// another origin must allow this page's origin (CORS) and the PRIVATE-TOKEN request header.
window.TRACING_CONFIG = {
  apiBaseUrl: "",
};
