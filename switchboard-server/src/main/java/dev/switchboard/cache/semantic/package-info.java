/**
 * The semantic cache: a chat request whose exact key missed is answered by a stored answer to a request that asks the
 * same thing in other words. The context (everything but the last user text) matches exactly by hash; the text is
 * embedded ({@link dev.switchboard.cache.semantic.Embedder}: the bundled all-MiniLM-L6-v2, or a provider's model through
 * the gateway's own embeddings path, {@link dev.switchboard.cache.semantic.ProviderEmbedder}) and compared in a Lucene HNSW
 * index ({@link dev.switchboard.cache.semantic.SemanticIndex}) within a partition that also fixes its numbers, units,
 * polarity and calendar words, kept in a folder across restarts when the gateway has one
 * ({@link dev.switchboard.cache.semantic.PersistedSemanticIndex}) and shared between instances, purges included,
 * through Redis ({@link dev.switchboard.cache.semantic.RedisSemanticFeed}). Entry point:
 * {@link dev.switchboard.cache.semantic.SemanticCache}. See docs/cache-semantic.md for the measured quality.
 */
package dev.switchboard.cache.semantic;
