"""Server-rendered pages for patients and therapists, one module per area.

Thin views: check who is asking (:mod:`therapy.web.access`), validate a form, call a service,
render. Uploads and polling go through the REST API (``/api/v1/sessions/``) with the browser's
session and CSRF token.
"""
