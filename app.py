"""hoso's Chalice app: wiring only. Routes live in ``chalicelib/api``, event handlers'
logic in ``chalicelib/handlers``; the rules they call live in ``chalicelib/domain``."""

from chalice import Chalice

from chalicelib.api import catalogue, docs, dossiers, dvcqg, health

app = Chalice(app_name="hoso")

app.register_blueprint(health.bp)
app.register_blueprint(docs.bp)
app.register_blueprint(dvcqg.bp)
app.register_blueprint(dossiers.bp)
app.register_blueprint(catalogue.bp)
