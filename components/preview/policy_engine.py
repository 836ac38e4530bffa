"""The Engine service a policy pack talks to (``pulumi.policy <engine-address>``): its log
messages go to the driver's log; the root resource is kept."""

from __future__ import annotations

import logging
from concurrent import futures

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from aiscale.preview.policy_process import LOG

_LOG_LEVELS = {0: logging.DEBUG, 1: logging.INFO, 2: logging.WARNING, 3: logging.ERROR}


class EngineEndpoint(engine_pb2_grpc.EngineServicer):
    """The Engine service a policy pack may talk to: logs go to LOG, the root resource is kept."""

    def __init__(self, root_urn: str) -> None:
        self._root = root_urn

    def Log(self, request, context):  # noqa: N802 - gRPC method name
        """Forward a pack's log message to LOG at the matching level."""
        LOG.log(_LOG_LEVELS.get(request.severity, logging.INFO), "policy pack: %s%s",
                request.message, f" ({request.urn})" if request.urn else "")
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):  # noqa: N802
        """The stack's URN."""
        return engine_pb2.GetRootResourceResponse(urn=self._root)

    def SetRootResource(self, request, context):  # noqa: N802
        """Remember a new root resource URN."""
        self._root = request.urn
        return engine_pb2.SetRootResourceResponse()


def start_engine(root_urn: str) -> tuple[grpc.Server, str]:
    """Serve the Engine service on 127.0.0.1 at a free port; (server, address)."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    engine_pb2_grpc.add_EngineServicer_to_server(EngineEndpoint(root_urn), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"
