"""Alembic's environment for the store: migrations run on the connection the store opened
(``config.attributes["connection"]``), inside its transaction. There is no alembic.ini: the store
builds the configuration in code (``readiness_widgets.store.sql.migrate``)."""

from alembic import context

from readiness_widgets.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
