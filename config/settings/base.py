"""Settings shared by every environment. Everything that varies is read from the environment.

The environment-specific modules (``local``, ``test``, ``production``) only choose defaults
for the database, the broker and security; see ``.env.example`` for every variable.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(str(BASE_DIR / ".env"), overwrite=False)

# --- Core ----------------------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files (CSP: 'self' only)
    "exercises",
    "therapy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "therapy.middleware.ContentSecurityPolicyMiddleware",
    "therapy.middleware.CrossOriginIsolationMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "therapy.middleware.ClinicTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "therapy.User"
# The model backend, refusing a username after repeated failures from one address.
AUTHENTICATION_BACKENDS = ["therapy.auth.LockoutModelBackend"]
LOGIN_LOCKOUT_ATTEMPTS = env.int("THERAPOSE_LOGIN_LOCKOUT_ATTEMPTS", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("THERAPOSE_LOGIN_LOCKOUT_SECONDS", default=900)
# Failed sign-ins from one client address (any usernames) before that address is refused
# until the window ends: bounds password spraying and the CPU spent hashing (therapy/auth.py).
LOGIN_THROTTLE_ADDRESS_FAILURES = env.int("THERAPOSE_LOGIN_THROTTLE_ADDRESS_FAILURES", default=20)
LOGIN_THROTTLE_SECONDS = env.int("THERAPOSE_LOGIN_THROTTLE_SECONDS", default=600)
# Password reset requests (therapy/reset_limits.py): per client address, this many in the
# window, then 429; per email address, one email per PASSWORD_RESET_EMAIL_SECONDS (0: no limit).
PASSWORD_RESET_ADDRESS_LIMIT = env.int("THERAPOSE_PASSWORD_RESET_ADDRESS_LIMIT", default=5)
PASSWORD_RESET_WINDOW_SECONDS = env.int("THERAPOSE_PASSWORD_RESET_WINDOW_SECONDS", default=3600)
PASSWORD_RESET_EMAIL_SECONDS = env.int("THERAPOSE_PASSWORD_RESET_EMAIL_SECONDS", default=300)
# Reverse proxies (exact addresses) whose X-Forwarded-For names the client; empty: the client
# is REMOTE_ADDR and X-Forwarded-For is ignored.
TRUSTED_PROXIES = env.list("THERAPOSE_TRUSTED_PROXIES", default=[])

# Pages and the API load only our own files (TF.js runs its WASM backend: 'wasm-unsafe-eval';
# its threads are workers whose script TF.js hands over as a blob: URL, hence blob: for scripts
# and workers; a blob: URL can only be made by a script already running on our origin).
CONTENT_SECURITY_POLICY = env(
    "THERAPOSE_CSP",
    default="default-src 'self'; script-src 'self' blob: 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
    "worker-src 'self' blob:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
# Cross-origin isolated pages (COOP + COEP): the WASM pose backend may then use threads and
# SIMD (crossOriginIsolated). Every asset is same-origin (therapy/middleware.py).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_EMBEDDER_POLICY = env("THERAPOSE_COEP", default="require-corp")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
                "therapy.web.context.unread_messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Database: DATABASE_URL wins; each environment module sets the default -----------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))

# --- Static files and uploaded media --------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [p for p in [BASE_DIR / "static"] if p.is_dir()]
# Media is never served by URL: clips go out only through the permission-checked view.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"

# S3-compatible object storage (django-storages) when a bucket is configured.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "location": env("AWS_LOCATION", default=""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Uploads: reject oversized bodies before they are read ----------------------------------
MAX_CLIP_BYTES = env.int("THERAPOSE_MAX_CLIP_MB", default=200) * 1024 * 1024
MAX_CLIP_SECONDS = env.float("THERAPOSE_MAX_CLIP_SECONDS", default=300.0)
# A keypoint track of the longest clip allowed, as the browser sends it: up to 60 frames a
# second, 54 numbers a frame (17 x [x, y, score], a timestamp, a pose score, a brightness), at
# most 9 bytes each as JSON text ("1279.99,"), plus 1 MiB for the rest. 300 s: 9.7 MiB. Parsing
# builds Python objects about 15x the text's size, so this cap is what bounds a web process's
# memory per upload (tests/reliability/test_hardening.py measures it).
MAX_TRACK_FPS = 60
MAX_TRACK_BYTES = env.int(
    "THERAPOSE_MAX_TRACK_BYTES",
    default=int(MAX_CLIP_SECONDS * MAX_TRACK_FPS * 54 * 9) + 1024 * 1024,
)
# Non-file request bodies (JSON keypoint tracks) are held in memory: cap them.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_TRACK_BYTES
# Files above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "therapy.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Pose analysis --------------------------------------------------------------------------
POSE_MODEL = env("THERAPOSE_POSE_MODEL", default="lightning")
ANALYSIS_TIME_LIMIT = env.int("THERAPOSE_ANALYSIS_TIME_LIMIT", default=600)
API_TOKEN_TTL_DAYS = env.float("THERAPOSE_TOKEN_TTL_DAYS", default=7.0)
# Claims of one session by a worker (redeliveries included) before it ends failed.
ANALYSIS_MAX_ATTEMPTS = env.int("THERAPOSE_ANALYSIS_MAX_ATTEMPTS", default=5)

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", default=REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # results live in SessionResult rows, not in a result backend
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = ANALYSIS_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = ANALYSIS_TIME_LIMIT + 60
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"therapy.tasks.session_analyze_task": {"queue": "pose"}}


# With acks_late on Redis an unacknowledged task is redelivered after visibility_timeout:
# keep it well above the longest analysis (the hard time limit).
def celery_transport_options(broker_url: str) -> dict:
    if broker_url.startswith(("redis://", "rediss://", "sentinel://")):
        return {"visibility_timeout": max(3600, 2 * CELERY_TASK_TIME_LIMIT)}
    return {}  # the SQLAlchemy transport passes its options to create_engine()


CELERY_BROKER_TRANSPORT_OPTIONS = celery_transport_options(CELERY_BROKER_URL)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A web request must not hang on a broker that is down: give up quickly (the session stays
# queued in the database and the sweep sends it later).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Recovery time. The database is the truth about sessions: a sweep re-sends those whose task
# was lost (worker killed, broker restarted). Numbers (see therapy/services/sessions.py):
#   STUCK_SWEEP_SECONDS = 30      beat interval; the sweep also runs once when a worker starts.
#   STUCK_QUEUED_SECONDS = 60     a session queued this long is sent again (its message may be
#                                 gone; a duplicate is a no-op: skipped if being analysed or done).
#   STUCK_ORPHANED_SECONDS = 60   a session processing this long with its analysis lock free
#                                 (the lock dies with the worker's process) is queued again.
#   STUCK_PROCESSING_SECONDS      hard time limit + 120 s: the ceiling when the lock looks held.
# Worst case after a crash or a restart: 60 + 30 s plus the pick-up, under two minutes.
STUCK_SWEEP_SECONDS = env.float("THERAPOSE_SWEEP_SECONDS", default=30.0)
STUCK_QUEUED_SECONDS = env.int("THERAPOSE_STUCK_QUEUED_SECONDS", default=60)
STUCK_ORPHANED_SECONDS = env.int("THERAPOSE_STUCK_ORPHANED_SECONDS", default=60)
STUCK_PROCESSING_SECONDS = env.int(
    "THERAPOSE_STUCK_PROCESSING_SECONDS", default=CELERY_TASK_TIME_LIMIT + 120
)
CELERY_TASK_ROUTES["therapy.tasks.sessions_requeue_stuck_task"] = {"queue": "pose"}
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-sessions": {
        "task": "therapy.tasks.sessions_requeue_stuck_task",
        "schedule": STUCK_SWEEP_SECONDS,
        # A sweep waiting behind busy workers is dropped: the next one is due soon.
        "options": {"expires": max(STUCK_SWEEP_SECONDS - 5, 1)},
    },
}

# Flags: every patient's flags are checked periodically (missed sessions are raised there; the
# others also when a pain score is saved or an analysis ends), and each new one emailed once.
FLAG_CHECK_SECONDS = env.float("THERAPOSE_FLAG_CHECK_SECONDS", default=3600.0)
CELERY_TASK_ROUTES["therapy.tasks.flags_check_all_task"] = {"queue": "pose"}
CELERY_TASK_ROUTES["therapy.tasks.flag_notice_send_task"] = {"queue": "pose"}
# A patient's message: their therapist's email (therapy/services/message_notices.py).
CELERY_TASK_ROUTES["therapy.tasks.message_notice_send_task"] = {"queue": "pose"}
CELERY_BEAT_SCHEDULE["check-flags"] = {
    "task": "therapy.tasks.flags_check_all_task",
    "schedule": FLAG_CHECK_SECONDS,
    "options": {"expires": max(FLAG_CHECK_SECONDS - 60, 1)},
}

# Daily exercise reminders to patients (therapy/services/reminders.py): checked every hour, each
# patient emailed at most once a day once their chosen local hour has come.
REMINDER_CHECK_SECONDS = env.float("THERAPOSE_REMINDER_CHECK_SECONDS", default=3600.0)
CELERY_TASK_ROUTES["therapy.tasks.reminders_send_due_task"] = {"queue": "pose"}
CELERY_BEAT_SCHEDULE["send-reminders"] = {
    "task": "therapy.tasks.reminders_send_due_task",
    "schedule": REMINDER_CHECK_SECONDS,
    "options": {"expires": max(REMINDER_CHECK_SECONDS - 60, 1)},
}

# --- Email: flag notices to therapists (therapy/services/notifications.py) -------------------
# EMAIL_URL (django-environ): smtp+tls://user:password@host:587, smtps://..., consolemail://.
# Unset (the embedded default): each email is written as a file into var/mail/.
if env("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Therapose <therapose@localhost>")
# The address links in emails point to (no request to take it from in a worker).
SITE_URL = env("THERAPOSE_SITE_URL", default="http://127.0.0.1:8000")
# How long a new patient's invitation link (to set their own password) works.
THERAPOSE_INVITE_DAYS = env.int("THERAPOSE_INVITE_DAYS", default=7)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "therapy.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only (DRF's parser, refusing hostile nesting and non-text charsets with a 4xx, not a
    # 500): the schema then advertises JSON alone, so generated clients send JSON. Views taking
    # a file upload list their own parsers (multipart).
    "DEFAULT_PARSER_CLASSES": ["therapy.api.parsers.SafeJSONParser"],
    "EXCEPTION_HANDLER": "therapy.api.errors.exception_handler",
    # No OPTIONS introspection (same-origin API, no CORS); it also crashed on views
    # without a serializer (found by schemathesis).
    "DEFAULT_METADATA_CLASS": None,
    # Clients' X-Forwarded-For is not trusted unless this many proxies are in front.
    "DEFAULT_THROTTLE_CLASSES": [
        "therapy.api.throttles.AnonThrottle",
        "therapy.api.throttles.UserThrottle",
    ],
}
# Requests per client, read at each request (tests change them): "anon" per address, "user"
# per account, "login" token requests per address, "upload" sessions created per account.
API_THROTTLE_RATES = {
    "anon": env("THERAPOSE_THROTTLE_ANON", default="120/min"),
    "user": env("THERAPOSE_THROTTLE_USER", default="1200/min"),
    "login": env("THERAPOSE_THROTTLE_LOGIN", default="20/min"),
    "upload": env("THERAPOSE_THROTTLE_UPLOAD", default="120/hour"),
}
# Throttle counters and login failures live here; production points it at Redis.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "therapose",
    }
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Therapose API",
    "DESCRIPTION": "Remote physical-therapy assessment: routines, exercise sessions, results.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
