package dev.switchboard.e2e;

/** {@link ReplicaRotationContract} with both replicas on one SQLite file. */
class ReplicaRotationSqliteIT extends ReplicaRotationContract {
    @Override
    String storeSettings() {
        return "url: \"sqlite:" + dir.resolve("store.db") + "\"";
    }
}
