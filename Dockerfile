# One image for web and worker. Model weights (models/) must be fetched by the setup step
# before building (no code fetches them at run time).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app
RUN useradd --create-home --uid 1000 therapose

COPY pyproject.toml ./
COPY pose ./pose
COPY config ./config
COPY exercises ./exercises
COPY therapy ./therapy
RUN pip install .

COPY . .
RUN mkdir -p /app/var /app/staticfiles \
    && DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
       DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://x \
       python manage.py collectstatic --noinput -v 0 \
    && chown -R therapose /app/var /app/staticfiles
USER therapose

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
