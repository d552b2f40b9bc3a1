"""The Lambda functions' entry modules: one per event function (or per schedule and its job
worker), each a Chalice blueprint that ``app.py`` registers. A function's handler path is
``chalicelib.entry.<module>.<function>`` (Chalice names a blueprint's function after the
blueprint's module), so Lambda imports only that module and what it needs — never app.py and
its routes, which are the API's (``app.app``). ``tests/infra/test_entry_modules.py`` imports
every packaged handler path; bench/coldstart.py measures each one against ``import boto3``."""
