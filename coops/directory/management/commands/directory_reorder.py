"""The nightly job of the directory's radius search on PostgreSQL: rewrite the actors'
places (`directory_actor_place`) in place order, which new and edited entries wear away
(coops/directory/places.py, ADR 0032). Nothing to do on SQLite. Cron::

    15 3 * * *  cd /srv/coops && .venv/bin/python manage.py directory_reorder
"""

import time

from django.core.management.base import BaseCommand

from coops.directory import places


class Command(BaseCommand):
    help = (
        "Nightly directory job on PostgreSQL (cron: e.g. '15 3 * * * manage.py "
        "directory_reorder'): rewrite the compact copy of the actors read by radius "
        "searches in place order, so that a town's actors share few pages. Radius "
        "searches wait while it runs (seconds per 100,000 actors). Nothing on SQLite."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, database: str, **options):
        started = time.perf_counter()
        if not places.reorder(database):
            self.stdout.write("directory_reorder: nothing to do on this database engine")
            return
        seconds = time.perf_counter() - started
        self.stdout.write(f"directory_reorder: actors' places rewritten in {seconds:.1f} s")
