"""hoso's Chalice app: wiring only. Routes live in ``chalicelib/api``, event handlers in
``chalicelib/handlers``; the rules they call live in ``chalicelib/domain``."""

from chalice import Chalice

from chalicelib.api import docs, health

app = Chalice(app_name="hoso")

app.register_blueprint(health.bp)
app.register_blueprint(docs.bp)
