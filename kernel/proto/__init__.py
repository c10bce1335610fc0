"""Wire formats spoken with the outside world, shared by the service and its sandbox.

``stream_list.proto`` is YouTube's ``liveChatMessages.streamList`` (gRPC); the
``stream_list_pb2*`` modules are generated from it by ``make proto`` (grpcio-tools) and
committed, so installing needs no compiler. Never edit them by hand.
"""
