"""The Celery app of handoff: the pipeline stages (api/pipeline.py) and ERP posting (erp/tasks.py).

HANDOFF_BROKER_URL empty (the default) is the embedded setup: tasks run in-process, at once, with no broker
(task_always_eager). `redis://127.0.0.1:6379/0` (production) or `amqp://guest@127.0.0.1//` (RabbitMQ) send
them to `handoff worker`. Tasks are acknowledged after they ran (acks_late): a worker killed mid-task leaves
its message to be delivered again, to another worker or after a restart.
"""

from celery import Celery
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from erp.settings import ErpSettings


class QueueSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    broker_url: str = Field(default="", description="empty = in-process (eager); redis://… or amqp://…")
    queue: str = Field(default="handoff", min_length=1, description="the broker queue tasks go to")
    stage_retries: int = Field(default=3, ge=0, description="retries of a stage after a transient failure")
    stage_backoff_s: float = Field(default=2.0, ge=0, description="first retry wait of a stage; doubles")
    broker_visibility_timeout_s: int = Field(
        default=300, ge=1, description="Redis: an unacknowledged task is delivered again after this long"
    )

    @property
    def eager(self) -> bool:
        return not self.broker_url


def make_celery(settings: QueueSettings | None = None, erp: ErpSettings | None = None) -> Celery:
    settings, erp = settings or QueueSettings(), erp or ErpSettings()
    app = Celery("handoff", include=["pipeline.flow", "erp.tasks"], set_as_current=False)
    app.conf.update(
        broker_url=settings.broker_url or "memory://",
        task_always_eager=settings.eager,
        task_default_queue=settings.queue,
        task_eager_propagates=False,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": settings.broker_visibility_timeout_s},
        beat_schedule={"erp-relay": {"task": "erp.relay", "schedule": erp.erp_relay_interval_s}},
        worker_hijack_root_logger=False,
    )
    return app


celery_app = make_celery()
# The process's app for every thread (a request's threadpool too): shared tasks are sent with it.
celery_app.set_default()
