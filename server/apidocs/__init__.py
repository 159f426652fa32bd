"""The API's reference page at /schema, made from the app's own OpenAPI document."""
