# Production image: granian serving Django (serve.py), whitenoise serving hashed static files.
# Configure with the environment (.env.example); run `python manage.py migrate` as a release step.
# The map's front-end packages (Leaflet, world-atlas, topojson-client) from package-lock.json, for collectstatic.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRACKER_ENV=production

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt

COPY . .
COPY --from=assets /app/node_modules node_modules
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost TRACKER_ALLOW_CONSOLE_EMAIL=true \
    python manage.py collectstatic --no-input \
    && useradd --system --no-create-home santa

USER santa
EXPOSE 8000
CMD ["python", "serve.py"]
