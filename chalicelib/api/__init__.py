"""HTTP API: one Chalice blueprint per bounded context, routes registered through
:func:`chalicelib.api.routing.route` so that every route declares its access rule and
its request/response models (which feed the OpenAPI document and the security suite)."""
