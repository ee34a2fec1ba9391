package dev.switchboard.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.store.Store;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.repository.CredentialRecord;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * {@code /admin/credentials}: upstream API keys, stored encrypted. Answers carry metadata only. Rotation swaps
 * the master key this API uses; the lock keeps a credential from being written under the old key mid-rotation.
 */
final class CredentialsApi {
    private static final Set<String> ADD_FIELDS = Set.of("provider", "label", "api_key");
    private static final Set<String> ROTATE_FIELDS = Set.of("new_master_key");

    private final Store store;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<Consumer<MasterKey>> rotationListeners = new CopyOnWriteArrayList<>();
    private volatile MasterKey masterKey;

    CredentialsApi(Store store, MasterKey masterKey) {
        this.store = store;
        this.masterKey = masterKey;
    }

    void register(AdminRoutes routes) {
        routes.add(HttpMethod.POST, "credentials", this::add)
                .add(HttpMethod.GET, "credentials", this::list)
                .add(HttpMethod.DELETE, "credentials/{id}", this::delete)
                .add(HttpMethod.POST, "credentials/rotate", this::rotate);
    }

    MasterKey masterKey() {
        return masterKey;
    }

    void onRotated(Consumer<MasterKey> listener) {
        rotationListeners.add(listener);
    }

    private AdminReply add(AdminCall call) {
        ObjectNode body = AdminInput.object(call.body(), ADD_FIELDS);
        String provider = AdminInput.requiredText(body, "provider");
        String given = AdminInput.text(body, "label");
        String label = given == null || given.isBlank() ? provider : given.strip();
        String apiKey = AdminInput.requiredText(body, "api_key");
        return underReadLock(() -> AdminReply.created(AdminViews.credential(
                store.credentials(requireKey()).put(call.actor(), provider, label, apiKey))));
    }

    private AdminReply list(AdminCall call) {
        // listing reads metadata only, but answers 503 like the others so a missing key is noticed early
        return underReadLock(() -> AdminReply.ok(AdminViews.list(store.credentials(requireKey()).list(),
                AdminViews::credential)));
    }

    private AdminReply delete(AdminCall call) {
        String id = call.param("id");
        return underReadLock(() -> {
            var repo = store.credentials(requireKey());
            CredentialRecord meta = repo.list().stream().filter(c -> c.id().equals(id)).findFirst()
                    .orElseThrow(() -> AdminException.notFound("No credential '" + id + "'."));
            repo.delete(call.actor(), meta.id());
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("id", meta.id());
            o.put("deleted", true);
            return AdminReply.ok(o);
        });
    }

    private AdminReply rotate(AdminCall call) {
        ObjectNode body = AdminInput.object(call.body(), ROTATE_FIELDS);
        MasterKey next;
        try {
            next = MasterKey.fromBase64(AdminInput.requiredText(body, "new_master_key"));
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("'new_master_key' is invalid: " + e.getMessage() + ".");
        }
        lock.writeLock().lock();
        int count;
        try {
            MasterKey current = requireKey();
            if (current.fingerprint().equals(next.fingerprint())) {
                throw AdminException.badRequest("'new_master_key' is the key already in use.");
            }
            count = store.credentials(current).rotate(call.actor(), current, next);
            masterKey = next;
        } finally {
            lock.writeLock().unlock();
        }
        rotationListeners.forEach(l -> l.accept(next));
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("rotated", count);
        o.put("master_key_fingerprint", next.fingerprint());
        o.put("message", "All credentials are now encrypted under the new master key and this server uses it. "
                + "Update " + MasterKey.ENV_VAR + " (or the master key file) to the new key before any restart, "
                + "or the stored credentials cannot be decrypted.");
        return AdminReply.ok(o);
    }

    private MasterKey requireKey() {
        MasterKey k = masterKey;
        if (k == null) {
            throw AdminException.unavailable("Credential management is unavailable: no master key is configured. Set "
                    + MasterKey.ENV_VAR + " (base64 of 32 random bytes) and restart.");
        }
        return k;
    }

    private AdminReply underReadLock(java.util.function.Supplier<AdminReply> work) {
        lock.readLock().lock();
        try {
            return work.get();
        } finally {
            lock.readLock().unlock();
        }
    }
}
