# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt

FROM python:3.11-slim AS runtime
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=shop.settings
RUN useradd --create-home --uid 10001 shop
WORKDIR /app
COPY --from=build /venv /venv
COPY --chown=shop:shop . .
# collectstatic needs a key to import the settings; the real one comes from the environment at run time.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
USER shop
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4).status == 200 else 1)"
CMD ["gunicorn", "shop.wsgi:application", "--config", "gunicorn.conf.py"]
