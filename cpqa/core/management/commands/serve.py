"""`cpqa serve`: serve cpqa with gunicorn (static files through WhiteNoise)."""

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication


class CpqaServer(BaseApplication):
    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from cpqa.config.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve cpqa on http://127.0.0.1:8000 (or --bind)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--timeout", type=int, default=120)

    def handle(self, *args, bind, workers, timeout, **options):
        self.stdout.write(f"cpqa is serving on http://{bind}/ (Ctrl+C to stop)")
        CpqaServer(
            {
                "bind": bind,
                "workers": workers,
                "timeout": timeout,
                "accesslog": "-",
                "access_log_format": '%(t)s "%(r)s" %(s)s %(M)sms',
            }
        ).run()
