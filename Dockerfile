# Production image: gunicorn serves the portal, the same image runs Celery workers and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=parindex.settings.prod

WORKDIR /app
# The portal's Debian packages (Pango and HarfBuzz for WeasyPrint), from the one list in
# scripts/system_packages.sh. The report fonts ship in static/reports/fonts/.
COPY scripts/system_packages.sh ./scripts/
RUN apt-get update && scripts/system_packages.sh runtime && rm -rf /var/lib/apt/lists/*

# The pinned versions (`make lock`), then the project itself without resolving anything again.
COPY requirements/runtime.txt ./requirements/
RUN pip install --require-hashes -r requirements/runtime.txt
COPY pyproject.toml README.md ./
COPY parindex ./parindex
COPY units ./units
COPY scoring ./scoring
COPY reports ./reports
RUN pip install --no-deps .
COPY . .

# Static files are collected at build time; the values below only satisfy the settings' checks.
RUN SECRET_KEY=build ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    CELERY_BROKER_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 --home /app parindex && mkdir -p /data/media \
    && chown -R parindex /data
USER parindex
EXPOSE 8000
CMD ["gunicorn", "parindex.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "120", "--access-logfile", "-"]
