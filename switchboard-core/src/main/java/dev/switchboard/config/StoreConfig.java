package dev.switchboard.config;

import dev.switchboard.secret.Secret;
import java.time.Duration;

/**
 * The persistent store: {@code sqlite:/path/file.db} (embedded default) or {@code jdbc:postgresql://…} (shared
 * by many gateways). The master key for upstream credentials comes from {@code SWITCHBOARD_MASTER_KEY} or
 * {@code masterKeyFile}; usage records wait in {@code usageJournal} while the database is unreachable.
 * {@code semanticIndexDir}: where the semantic cache's index is kept across restarts (beside the SQLite file by
 * default); null keeps it in memory (the PostgreSQL default, or {@code semantic_index_dir: memory}).
 */
public record StoreConfig(String url, String user, Secret password, int poolSize, String masterKeyFile,
                          String usageJournal, Duration keyRefresh, String semanticIndexDir) {}
