"""Documents: result PDFs from per-procedure templates, PAdES signing through the eSign
gateway and verification, the FR-19 printed forms, download links and the public lookup's
check token. Rendering uses the DejaVu fonts shipped in ``chalicelib/assets``.

Modules: :mod:`.pdf` (layout primitives), :mod:`.results` (result templates),
:mod:`.forms` (printed forms), :mod:`.signing` (eSign gateway, PAdES, verification),
:mod:`.trust` (trusted roots), :mod:`.store` (S3 objects, document records, result numbers,
links), :mod:`.lookup` (public status lookup), :mod:`.service` (the use cases),
:mod:`.http` (calls to the outside parties' gateways).
"""
