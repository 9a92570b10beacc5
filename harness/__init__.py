"""The collection's test harness, outside the collection: moto and the fault proxy as child processes
(servers, ctl for molecule), the proxy itself (proxy, moto_aws), one reader of KMS state (kms_state),
pytest fixtures (fixtures) and a crash stand-in (process_tree).

Used by tests/, the molecule scenarios, benchmarks/ and tools/; it imports nothing of theirs.
"""
