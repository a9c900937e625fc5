"""The embedded broker: kombu's file-system transport with messages written atomically.

kombu writes a message file in place, and a consumer that lists the folder meanwhile can
take the file half written: the worker then dies on a JSON error (seen under a burst with
a short polling interval). Here a message is written under a temporary name outside the
queue folder and renamed into it, so a consumer sees whole messages or none.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps
from kombu.utils.objects import cached_property


class AtomicChannel(filesystem.Channel):
    """A file-system channel whose messages appear in the queue folder whole."""

    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # The name sorts by time as kombu's does: consumers take the oldest first.
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        staging = os.path.join(self.staging_folder, name)
        with open(staging, "wb") as f:
            f.write(str_to_bytes(dumps(payload)))
        os.replace(staging, os.path.join(self.data_folder_out, name))

    @cached_property
    def staging_folder(self) -> str:
        folder = os.path.join(os.path.dirname(os.path.normpath(self.data_folder_out)), "staging")
        os.makedirs(folder, exist_ok=True)
        return folder


class AtomicFilesystemTransport(filesystem.Transport):
    """kombu's file-system transport with AtomicChannel."""

    Channel = AtomicChannel
