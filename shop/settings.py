"""The one settings module. Everything comes from the environment (see .env.example).

With no environment at all this refuses to start (DEBUG is off and SECRET_KEY is missing); `make run`
sets DEBUG=on for local work. `DATABASE_URL` defaults to a SQLite file in the project root.
"""

import re
import tempfile
from datetime import time, timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

HTTPS = env.bool("HTTPS", default=not DEBUG)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, whose forms it extends
    "shop.backoffice.admin_site.ShopAdminConfig",  # django.contrib.admin with the shop's AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "auditlog",  # before shop.backoffice, whose admin replaces auditlog's
    "shop.core",
    "shop.accounts",
    "shop.catalog",
    "shop.pricing",
    "shop.carts",
    "shop.orders",
    "shop.payments",
    "shop.fakestore",
    "shop.backoffice",
    "shop.devdata",
]

MIDDLEWARE = [
    "shop.core.middleware.TraceIdMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before anything that answers early, so those answers carry CORS too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shop.core.middleware.ApiBodyLimitMiddleware",  # oversized /api/ body -> 413 problem document
    "shop.core.middleware.ApiOptionalSlashMiddleware",  # /api/v1/products routed as /api/v1/products/
    "shop.core.public_cache.PublicCacheMiddleware",  # anonymous catalog reads from the cache (CATALOG_CACHE_SECONDS)
    "shop.core.i18n.ContentLanguageMiddleware",  # /api/ and /fakestore/ reads in ?lang= or Accept-Language
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shop.backoffice.audit.context.AuditMiddleware",  # actor and source of audit entries
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out admin login into the lock-out page
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue (up to the timeout)
    # instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_TIMEOUT_SECONDS", default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Persistent connections on both databases (SQLite would otherwise reopen its file and rerun the PRAGMAs on
# every request). The health check is a `SELECT 1` round trip at the start of every request; without it a
# connection the database dropped fails one request per worker, and Django then reconnects.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------------
# `default`: cached values; a Redis outage degrades it to misses. `throttle`: the throttle counters, which
# must be one count for every worker and must not go dark (a miss is a count of zero): without Redis a
# file cache every worker of the machine shares; with Redis, Redis failing over to that file cache
# (shop/core/cache.py). The login lock-out (django-axes) counts in the database, shared by every machine.
REDIS_URL = env.str("REDIS_URL", default="")
THROTTLE_CACHE_DIR = env.path("THROTTLE_CACHE_DIR", default=BASE_DIR / "var" / "throttle")
# `jobs`: the progress and heartbeat of background jobs, which the web, worker and beat processes must all see.
JOBS_CACHE_DIR = env.path("JOBS_CACHE_DIR", default=BASE_DIR / "var" / "jobs")
# `public`: the anonymous catalog answers and the one version every catalog write bumps (shop/core/public_cache.py),
# shared by every worker (Redis, else a file cache of the machine). CATALOG_CACHE_SECONDS: how long an answer is
# kept at most (a write makes it unreachable at once); 0 turns the cache off.
PUBLIC_CACHE_DIR = env.path("PUBLIC_CACHE_DIR", default=BASE_DIR / "var" / "public")
CATALOG_CACHE_SECONDS = env.int("CATALOG_CACHE_SECONDS", default=60)
PUBLIC_CACHE_PATHS = re.compile(r"^/api/v1/(products|categories|attributes)/([0-9]+/)?$")
_SHARED_FILES = {
    "BACKEND": "shop.core.cache.SharedFileCache",
    "LOCATION": str(THROTTLE_CACHE_DIR),
    "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_EVERY": 500},
}
if REDIS_URL:
    _REDIS_SOCKETS = {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis outage degrades the cache (misses, logged) instead of failing requests.
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, **_REDIS_SOCKETS},
        },
        "throttle": {
            "BACKEND": "shop.core.cache.FailoverCache",
            "OPTIONS": {"PRIMARY": "throttle-redis", "FALLBACK": "throttle-local", "RETRY_SECONDS": 5},
        },
        "throttle-redis": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": _REDIS_SOCKETS,
        },
        "throttle-local": _SHARED_FILES,
        "jobs": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, **_REDIS_SOCKETS},
        },
        # errors raised, not ignored: a Redis outage means answering uncached, never from a stale version
        "public": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL, "OPTIONS": _REDIS_SOCKETS},
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shop"},
        "throttle": _SHARED_FILES,
        "jobs": {**_SHARED_FILES, "LOCATION": str(JOBS_CACHE_DIR)},
        "public": {**_SHARED_FILES, "LOCATION": str(PUBLIC_CACHE_DIR)},
    }

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account and address before any password check
    "django.contrib.auth.backends.ModelBackend",
]
# Login lock-out (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one account from one address,
# that pair is refused for LOGIN_LOCKOUT_MINUTES, at /admin/login/ and /api/v1/auth/login/ alike (both go
# through `authenticate`). Records live in the database, so every worker and machine sees them; a success
# clears the pair's count. Unlock: delete the access attempt in the admin (superusers) or
# `manage.py axes_reset_username <email>` / `axes_reset_ip <address>` / `axes_reset`.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "shop.accounts.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "shop.core.throttling.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not recorded one row each; failures are
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=3600)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shop@localhost")
if env.str("EMAIL_URL", default=""):  # smtp+tls://user:password@host:587 and the like: backend, host, port, login
    globals().update(env.email_url("EMAIL_URL"))

# --- The shop on its paperwork (invoices, packing slips, customer emails) ----------------------------
SHOP_NAME = env.str("SHOP_NAME", default="Shop")
SHOP_ADDRESS = env.str("SHOP_ADDRESS", default="", multiline=True)  # lines separated by \n
SHOP_TAX_ID = env.str("SHOP_TAX_ID", default="")
PDF_FONT_FILE = env.str("PDF_FONT_FILE", default="")  # a TTF font for PDFs; default: Helvetica (Latin-1 only)
FRONTEND_PASSWORD_RESET_URL = env.str("FRONTEND_PASSWORD_RESET_URL", default="")

# --- Internationalisation -------------------------------------------------------------------------
# Shop content (product title and description, category name and description, attribute and value names,
# shipping method names) in several languages through django-modeltranslation: one column per language and
# field (`title_en`, `title_tr`). CONTENT_LANGUAGES is the fixed set of languages that have columns, so the
# migrations never depend on the environment; adding a language means adding it here plus a migration
# (README "Languages"). LANGUAGES (the languages the shop serves) must be a subset of it, LANGUAGE_CODE (the
# default language: plain `title` writes and the per-field fallback) one of LANGUAGES (shop/core/i18n.py checks).
CONTENT_LANGUAGES = ("en", "tr")
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en").lower()
LANGUAGES = [
    (code, LANG_INFO.get(code, {}).get("name", code))
    for code in (code.strip().lower() for code in env.list("LANGUAGES", default=["en"]))
    if code
]
MODELTRANSLATION_LANGUAGES = CONTENT_LANGUAGES
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE if LANGUAGE_CODE in CONTENT_LANGUAGES else CONTENT_LANGUAGES[0]
MODELTRANSLATION_FALLBACK_LANGUAGES = (MODELTRANSLATION_DEFAULT_LANGUAGE,)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed names need `collectstatic`; STATIC_MANIFEST=off (tests) serves files unhashed.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_MANIFEST
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# --- Uploaded media (product images; shop/catalog/images.py) ----------------------------------------
# local: files under MEDIA_ROOT, served by the app itself at MEDIA_URL unless MEDIA_SERVE=off (a proxy
# serves them). s3: any S3-compatible object store through django-storages; credentials come from boto3's
# own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment, or an instance role).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured("MEDIA_STORAGE must be local or s3.")
MEDIA_SERVE = env.bool("MEDIA_SERVE", default=MEDIA_STORAGE == "local")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None  # MinIO, R2, Spaces, ...
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None  # a CDN in front of the bucket
    AWS_LOCATION = env.str("AWS_LOCATION", default="")  # key prefix inside the bucket
    # Product images are public: plain URLs (a public-read bucket or a CDN) unless signed URLs are asked for.
    AWS_QUERYSTRING_AUTH = env.bool("AWS_QUERYSTRING_AUTH", default=False)
    AWS_S3_FILE_OVERWRITE = False
    # Every stored name is new (shop.catalog.images), so a cached copy can never be stale.
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=25_000_000)
IMAGE_THUMBNAIL_PX = env.int("IMAGE_THUMBNAIL_PX", default=320)  # the longer side of a thumbnail

# --- Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
# An /api/ multipart body (an image upload) may be larger: files up to twice IMAGE_MAX_UPLOAD_BYTES reach the
# image checks (a 400 naming the limit); anything larger is refused unread (413).
API_MULTIPART_MAX_BYTES = env.int("API_MULTIPART_MAX_BYTES", default=2 * IMAGE_MAX_UPLOAD_BYTES)

# --- CORS (django-cors-headers) -------------------------------------------------------------------
# Browsers on these origins (scheme://host[:port]) may call the API and the FakeStore layer. Clients
# authenticate with a Bearer header, not cookies, so credentials stay off.
CORS_ALLOWED_ORIGINS = [origin.strip() for origin in env.list("CORS_ALLOWED_ORIGINS", default=[])]
CORS_URLS_REGEX = r"^/(api|fakestore)/"
CORS_ALLOW_HEADERS = ("authorization", "content-type", "x-session-id", "idempotency-key")
CORS_EXPOSE_HEADERS = ("Idempotent-Replayed", "X-Request-ID", "Retry-After", "Location")

# --- REST framework -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["shop.core.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["shop.core.parsers.JSONParser"],  # refuses JSON nested deeper than 32 levels
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "shop.core.renderers.ContentNegotiation",  # problem+json accepted
    "DEFAULT_PAGINATION_CLASS": "shop.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "shop.core.filters.FilterBackend",  # invalid filter values -> 400
        "shop.core.filters.SearchFilter",  # a view's own search index (catalog: shop/catalog/search.py)
        "shop.core.filters.OrderingFilter",  # unknown ordering fields -> 400
    ],
    "DEFAULT_THROTTLE_CLASSES": [  # counting in the shared `throttle` cache (shop/core/throttling.py)
        "shop.core.throttling.AnonRateThrottle",
        "shop.core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="600/min"),
        "auth": env.str("THROTTLE_AUTH", default="20/min"),
        "checkout": env.str("THROTTLE_CHECKOUT", default="30/min"),
        "fakestore": env.str("THROTTLE_FAKESTORE", default="300/min"),
        "stripe_webhook": env.str("THROTTLE_STRIPE_WEBHOOK", default="600/min"),  # per sending address
    },
    # Reverse proxies in front of the app (each appends to X-Forwarded-For). 0: throttles count the peer
    # address only, so a client cannot pick its own identity by sending X-Forwarded-For.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "EXCEPTION_HANDLER": "shop.core.errors.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "shop.core.schema.ProblemAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": True,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default="") or SECRET_KEY,
    "ALGORITHM": "HS256",
    # Access tokens carry a hash of the password, so a password change or reset also kills them at once.
    "CHECK_REVOKE_TOKEN": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "shop API",
    "DESCRIPTION": (
        "Public REST API of the shop back office. Errors are RFC 9457 problem details "
        "(`application/problem+json`; a client accepting only that type gets other answers as JSON). "
        "Every path works with and without its trailing slash. A write body may carry only the fields its "
        "request schema lists: an unknown or read-only field (`id` included) is a 400 naming it."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},  # no badge from validator.swagger.io
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "CartStatusEnum": "shop.carts.models.Cart.Status",
        "OrderStatusEnum": "shop.orders.models.Order.Status",
        "OrderPaymentStatusEnum": "shop.orders.models.Order.PaymentStatus",
        "PaymentStatusEnum": "shop.payments.models.Payment.Status",
        "PaymentProviderEnum": "shop.payments.models.Payment.Provider",
        "ReviewStatusEnum": "shop.catalog.models.Review.Status",
        "ModerationStatusEnum": "shop.catalog.reviews.MODERATION_STATUSES",
    },
}

# --- Shop rules -----------------------------------------------------------------------------------
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="USD").upper()  # ISO 4217; one currency per shop
if not re.fullmatch(r"[A-Z]{3}", SHOP_CURRENCY):
    raise ImproperlyConfigured(f"SHOP_CURRENCY must be an ISO 4217 code such as USD, not {SHOP_CURRENCY!r}.")
PRICES_INCLUDE_TAX = env.bool("PRICES_INCLUDE_TAX", default=False)  # on: prices hold the tax, which is their part
CART_RESERVATION_TTL_MINUTES = env.int("CART_RESERVATION_TTL_MINUTES", default=30)
CART_GUEST_RESERVATION_TTL_MINUTES = env.int("CART_GUEST_RESERVATION_TTL_MINUTES", default=0)  # 0: guests hold none
CART_MAX_RESERVED_PER_LINE = env.int("CART_MAX_RESERVED_PER_LINE", default=10)  # units one cart line may hold
CART_ABANDON_TTL_MINUTES = env.int("CART_ABANDON_TTL_MINUTES", default=120)
CART_MAX_LINES = env.int("CART_MAX_LINES", default=50)  # lines per cart: limits reservation hoarding
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
# How long a checkout holds its Idempotency-Key: it must outlive gunicorn's timeout, after which a killed
# attempt's key is free again.
IDEMPOTENCY_LEASE_SECONDS = env.int("IDEMPOTENCY_LEASE_SECONDS", default=60)
if env.int("GUNICORN_TIMEOUT", default=30) >= IDEMPOTENCY_LEASE_SECONDS:  # the variable gunicorn.conf.py reads
    raise ImproperlyConfigured("IDEMPOTENCY_LEASE_SECONDS must be longer than GUNICORN_TIMEOUT (gunicorn.conf.py).")
# --- Payments (shop/payments) ---------------------------------------------------------------------
# What a customer paying by bank transfer or cash on delivery is told; {number}, {total} and {currency} are the
# order's.
PAYMENT_MANUAL_INSTRUCTIONS = env.str(
    "PAYMENT_MANUAL_INSTRUCTIONS",
    default="Transfer {total} {currency} to our bank account quoting order {number}; we ship once it has arrived.",
)
# Stripe is offered only when both are set. STRIPE_API_BASE points the library elsewhere (a local fake in tests).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_TIMEOUT_SECONDS = env.int("STRIPE_TIMEOUT_SECONDS", default=10)  # a request holds the order's row lock meanwhile

LOW_STOCK_THRESHOLD = env.int("LOW_STOCK_THRESHOLD", default=10)
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# Rows per imported file. Files (and exports) of more than IMPORT_SYNC_MAX_ROWS rows run as background jobs
# (shop/backoffice/jobs.py); smaller ones in the request, which must end within GUNICORN_TIMEOUT (30 s):
# 2,000 product rows take 2-4 s per step (bench/RESULTS.md).
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_SYNC_MAX_ROWS = env.int("IMPORT_SYNC_MAX_ROWS", default=2_000)
# A running job whose worker gave no sign of life for this long is failed by the sweep (beat).
JOB_STALE_MINUTES = env.int("JOB_STALE_MINUTES", default=5)
# A job's files (its upload, its export) are deleted this long after it ended (beat); the job's row stays.
JOB_FILES_RETENTION_DAYS = env.int("JOB_FILES_RETENTION_DAYS", default=7)
JOB_TIME_LIMIT = env.int("JOB_TIME_LIMIT", default=3_600)  # seconds; the worker kills a job running longer
# Where the links in the job emails lead (scheme://host of the back office); empty: a path only.
BACKOFFICE_URL = env.str("BACKOFFICE_URL", default="")

# --- FakeStore-compatible API (/fakestore/, shop/fakestore/) ---------------------------------------
# catalog: products, categories and the login; demo: also customers and their carts, for a demo shop seeded
# from the FakeStore data (names, emails and addresses are public then: `check --deploy` warns); off: 404.
FAKESTORE_API = env.str("FAKESTORE_API", default="catalog")
if FAKESTORE_API not in ("catalog", "demo", "off"):
    raise ImproperlyConfigured("FAKESTORE_API must be catalog, demo or off.")
FAKESTORE_MAX_ITEMS = env.int("FAKESTORE_MAX_ITEMS", default=1000)  # longest list one answer carries

# --- Import/export (admin) ------------------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"  # <app>.import_<model>, created by `setup_roles`
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# The file between preview and confirm must be visible to every worker: Redis when configured,
# otherwise MEDIA_ROOT (shared by the workers of a machine; mount it shared across machines).
IMPORT_EXPORT_TMP_STORAGE_CLASS = (
    "import_export.tmp_storages.CacheStorage" if REDIS_URL else "import_export.tmp_storages.MediaStorage"
)
IMPORT_FILE_TTL_HOURS = env.int("IMPORT_FILE_TTL_HOURS", default=24)  # previewed, never confirmed: deleted

# --- Background work (Celery, shop/celery.py) -----------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# No broker: each task runs in-process right after the enqueuing transaction commits (shop/core/background.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = False  # an in-process task's failure is logged, never raised into the request
CELERY_TASK_IGNORE_RESULT = True  # no result backend: tasks report through the logs
CELERY_TASK_ACKS_LATE = True  # every task is idempotent: one lost with its worker runs again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=None)  # default: the number of CPUs
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)  # seconds; the worker kills a stuck task
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down costs an enqueuing request a few seconds at most, then the task is logged as lost.
# Redis hands an unacknowledged task to another worker after `visibility_timeout`: it must outlast a job.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
    "visibility_timeout": 2 * JOB_TIME_LIMIT,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(Path(tempfile.gettempdir()) / "shop-celerybeat-schedule")
)
# The jobs cron ran before. Each is idempotent and safe on several machines at once; 0 turns one off.
SCHEDULE_CART_ABANDON_MINUTES = env.int("SCHEDULE_CART_ABANDON_MINUTES", default=10)
SCHEDULE_RESERVATIONS_RELEASE_MINUTES = env.int("SCHEDULE_RESERVATIONS_RELEASE_MINUTES", default=5)
SCHEDULE_IDEMPOTENCY_CLEANUP_MINUTES = env.int("SCHEDULE_IDEMPOTENCY_CLEANUP_MINUTES", default=60)
SCHEDULE_IMPORT_FILES_CLEANUP_MINUTES = env.int("SCHEDULE_IMPORT_FILES_CLEANUP_MINUTES", default=60)
SCHEDULE_STALE_JOBS_MINUTES = env.int("SCHEDULE_STALE_JOBS_MINUTES", default=2)
SCHEDULE_JOB_FILES_CLEANUP_MINUTES = env.int("SCHEDULE_JOB_FILES_CLEANUP_MINUTES", default=60)
# Daily, as HH:MM in TIME_ZONE; empty turns it off.
SCHEDULE_LOW_STOCK_DIGEST_AT = env.str("SCHEDULE_LOW_STOCK_DIGEST_AT", default="07:00")
CELERY_BEAT_SCHEDULE = {
    task: {"task": task, "schedule": timedelta(minutes=minutes)}
    for task, minutes in {
        "shop.carts.tasks.abandon_stale_carts": SCHEDULE_CART_ABANDON_MINUTES,
        "shop.catalog.tasks.release_expired_reservations": SCHEDULE_RESERVATIONS_RELEASE_MINUTES,
        "shop.orders.tasks.cleanup_idempotency_keys": SCHEDULE_IDEMPOTENCY_CLEANUP_MINUTES,
        "shop.core.tasks.cleanup_import_files": SCHEDULE_IMPORT_FILES_CLEANUP_MINUTES,
        "shop.backoffice.tasks.fail_stale_jobs": SCHEDULE_STALE_JOBS_MINUTES,
        "shop.backoffice.tasks.delete_stale_job_files": SCHEDULE_JOB_FILES_CLEANUP_MINUTES,
    }.items()
    if minutes > 0
}
if SCHEDULE_LOW_STOCK_DIGEST_AT:
    try:
        _digest_at = time.fromisoformat(SCHEDULE_LOW_STOCK_DIGEST_AT)
    except ValueError:
        raise ImproperlyConfigured("SCHEDULE_LOW_STOCK_DIGEST_AT must be HH:MM (or empty: off).") from None
    CELERY_BEAT_SCHEDULE["shop.catalog.tasks.send_low_stock_digest"] = {
        "task": "shop.catalog.tasks.send_low_stock_digest",
        "schedule": crontab(hour=_digest_at.hour, minute=_digest_at.minute),
    }

# --- Audit log (django-auditlog; what is tracked: shop/backoffice/audit/tracking.py) -----------------
AUDITLOG_STORE_JSON_CHANGES = True  # diffs as JSON values (numbers, booleans, null), not their str()
AUDITLOG_DISABLE_ON_RAW_SAVE = True  # loading fixtures is not a change anybody made
AUDITLOG_DISABLE_REMOTE_ADDR = True  # the correlation id leads to the request's log line instead
AUDITLOG_CID_GETTER = "shop.backoffice.audit.context.correlation_id"

# --- Logging --------------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# json: one JSON object per line (shop/core/logging.py), with the request's trace id; plain: for humans.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"trace_id": {"()": "shop.core.logging.TraceIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(trace_id)s] %(message)s"},
        "json": {"()": "shop.core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["trace_id"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # axes: failures and lock-outs are warnings; its INFO line on every successful login is noise; so is stripe's
    # line per request
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},
    },
}
