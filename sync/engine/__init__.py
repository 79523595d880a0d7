"""The sync engine: claim due outbox rows, map them, push them to Accurate, record what happened.

- `claim`: leases (a connection's push lanes) and the claim of up to 100 due rows of one kind;
- `plans`: the documents each claimed row needs in Accurate (`RowPlan`, through the pure mappers);
- `push`: sending them, stage by stage, settling unclear outcomes by number first;
- `progress`: the run's view of each row (`RowProgress`) and what Accurate has (`Binding`);
- `outcomes`: what a row becomes (Success, Failed, Pending with backoff) and the rows left behind.
"""
