"""The REST API, one module per area. Views are thin: validate with an input serializer, call a
selector or a service, shape the answer with an output serializer. Objects outside the user's
scope are 404."""
