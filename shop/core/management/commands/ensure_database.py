from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from shop.core.database import DatabaseUnavailable, database_ensure


class Command(BaseCommand):
    help = (
        "Check that the configured database can be used; create it when it is a PostgreSQL database that does "
        "not exist yet on a server that answers. Otherwise stop with one line saying why (exit status 1)."
    )
    requires_system_checks = []  # runs before migrate; its one job is the database

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, database, **options):
        connection = connections[database]
        try:
            created = database_ensure(connection=connection)
        except DatabaseUnavailable as exc:
            raise CommandError(str(exc)) from None
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created the database {connection.settings_dict['NAME']}."))
