"""Who is calling, and what may they do: VNeID tokens for officers, hoso's role catalogue,
integration clients (SPEC §1, §6, §7.3, §7.6).

Where the check happens
-----------------------
Every request is authenticated and authorised **in code**, by the ``route`` wrapper of
``chalicelib.api.routing``: before the view runs it calls ``officers.authenticate_officer``,
``clients.authenticate_client`` or ``dvcqg.authenticate_dvcqg`` (DVCQG's HMAC signature) according
to the route's declared ``Access`` and roles, and puts the caller where the view finds it
(``caller.current_principal``, ``caller.current_client``). That code runs
inside the API function itself, so the very same check runs on AWS, under ``chalice.test.Client``
and under ``chalice local`` — and nothing upstream (a gateway, a header, a request context) is
trusted to have done it.

A Chalice built-in authorizer, ``authorizer.officer_authorizer``, is defined as well, on the
blueprint ``authorizer.bp``: Chalice 1.34 lets a blueprint declare an authorizer that routes reference
(``route(..., authorizer=officer_authorizer)``), deploys it as its own Lambda function once the
blueprint is registered on the app, and both ``chalice.test.Client`` and ``chalice local`` run it.
It verifies the same VNeID token with the same ``tokens.verify_access_token`` at API Gateway, before
the API function is invoked. It is deliberately **not** attached by default:

- a TOKEN authorizer can make API Gateway answer 401 only by raising ``Exception("Unauthorized")``,
  which ``chalice local`` and the test client do not handle (the exception escapes); the portable
  refusal is a deny policy, which API Gateway answers with 403 and its own body. Attached, an
  expired token would get a 403 at the edge instead of 401 ``TOKEN_EXPIRED``, and the single-page
  app could no longer tell "log in again" from "not allowed";
- it cannot see roles (they come from the catalogue and depend on the route), so it never replaces
  the wrapper; and every distinct bad token still invokes it, so it is no shield against load
  (throttling does that).

Attaching it means: pass ``authorizer=officer_authorizer`` to ``route``, register ``authorizer.bp`` in
``app.py`` (``app.register_blueprint(authorizer.bp)``), give the function ``officer_authorizer`` (handler
``chalicelib.auth.authorizer.officer_authorizer``, no table access, egress to the JWKS) its own entry in the
infrastructure, and map API Gateway's ``ACCESS_DENIED`` response to a 401 in hoso's error shape.

Officers: a VNeID login alone grants nothing — the token proves who the caller is, hoso's role
catalogue (``chalicelib.store.catalogue``) says what they may do. Integration clients (agencies'
systems, specialised software) present ``Bearer <client_id>.<secret>``; the catalogue keeps only a
SHA-256 of the secret, and a client acts only on the procedures it is scoped to.

One module per kind of caller and job:

- ``bearer``: the ``Authorization: Bearer`` header;
- ``tokens``: VNeID access tokens (the issuer's keys, the checks);
- ``officers``: officers (the token, then hoso's role catalogue);
- ``registry``: integration clients as the catalogue keeps them, and their administration;
- ``clients``: an integration client's bearer key and procedure scope (kiosks are clients too);
- ``dvcqg``: DVCQG's HMAC-signed requests;
- ``caller``: the caller of the current request, for the views;
- ``authorizer``: the API Gateway authorizer (not attached).
"""
