package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.store.CachePurge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

/**
 * The in-process index: Lucene's HNSW graph over unit vectors (dot product), in memory or in a folder
 * ({@link SemanticIndexFolder}: reopened with its entries, see {@link StoredEntries}). One document per answer key
 * (a later add for the same key replaces it), filtered to one partition and to live entries at search time. Bounded
 * by entries and by bytes (oldest added evicted first, like a FIFO: hits are counted by the answer store, and an
 * answer evicted there makes its entry a miss anyway); expired entries are removed at most once a second on a write.
 * Writes take a lock; searches do not (a searcher is refreshed after writes, on the next search).
 */
public final class LuceneSemanticIndex implements SemanticIndex {
    /** Heap an entry costs beyond its vector and text: graph links, the id, partition and stored fields, bookkeeping. */
    static final int ENTRY_OVERHEAD = 512;

    private static final String VECTOR = "v";
    static final String ID = "id";
    private static final String PART = "part";
    static final String NS = "ns";
    static final String MODEL = "model";
    static final String EXPIRES = "exp";
    static final String TEXT = "text";
    /** Stored only to rebuild the bookkeeping when a folder is reopened. */
    static final String SEQ = "seq";
    static final String EXPIRES_AT = "exp_at";
    /** "1" when the answer outlives this process (a shared store): only those entries are kept on reopen. */
    static final String DURABLE = "durable";
    private static final Set<String> STORED = Set.of(ID, NS, MODEL, TEXT);

    record Meta(long seq, long expiresAt, String namespace, String model, int bytes) {}

    private final int dimensions;
    private final long maxEntries;
    private final long maxBytes;
    private final LongSupplier clock;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Map<String, Meta> byId = new HashMap<>();
    private final TreeMap<Long, String> bySeq = new TreeMap<>();
    private final AtomicLong adds = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong expiries = new AtomicLong();
    /** Feeds' stream positions, committed with the entries (the commit's user data, "feed:<stream>"). */
    private final Map<String, String> positions = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean positionsMoved;
    private long seq;
    private long bytes;
    private long nextSweep;
    private volatile boolean dirty;

    /**
     * @param dimensions the vectors' length
     * @param maxEntries the most entries held
     * @param maxBytes   the bound on the heap the entries cost (vector, text and {@link #ENTRY_OVERHEAD} each)
     */
    public LuceneSemanticIndex(int dimensions, long maxEntries, long maxBytes) {
        this(dimensions, maxEntries, maxBytes, System::currentTimeMillis);
    }

    /** @param clock epoch millis; tests move it */
    LuceneSemanticIndex(int dimensions, long maxEntries, long maxBytes, LongSupplier clock) {
        this(new ByteBuffersDirectory(), dimensions, maxEntries, maxBytes, clock);
    }

    /**
     * Over {@code directory}, taking its entries back: expired ones and those whose answers did not outlive the
     * process that added them are dropped, and the bounds are applied (oldest first).
     *
     * @throws UncheckedIOException when the directory cannot be opened or read (locked, unreadable): it is closed
     *                              again
     */
    LuceneSemanticIndex(Directory directory, int dimensions, long maxEntries, long maxBytes, LongSupplier clock) {
        if (dimensions < 1 || dimensions > WideVectors.MAX_DIMENSIONS || maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("dimensions (at most " + WideVectors.MAX_DIMENSIONS + ") and bounds must be positive");
        }
        this.dimensions = dimensions;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.directory = directory;
        ConcurrentMergeScheduler merges = new ConcurrentMergeScheduler();
        merges.setMaxMergesAndThreads(2, 1); // one background merge thread: the machine's cores serve requests
        IndexWriterConfig config = new IndexWriterConfig().setMergeScheduler(merges)
                .setCodec(WideVectors.codec()); // a provider's model may have more than Lucene's default 1,024 dimensions
        IndexWriter w = null;
        try {
            w = new IndexWriter(directory, config);
            Iterable<Map.Entry<String, String>> saved = w.getLiveCommitData();
            if (saved != null) {
                saved.forEach(e -> {
                    if (e.getKey().startsWith("feed:")) {
                        positions.put(e.getKey().substring(5), e.getValue());
                    }
                });
            }
            long now = clock.getAsLong();
            seq = StoredEntries.reload(w, dimensions, now, byId, bySeq);
            byId.values().forEach(m -> bytes += m.bytes());
            while (byId.size() > maxEntries || bytes > maxBytes) { // the bounds may have shrunk since
                String oldest = bySeq.pollFirstEntry().getValue();
                bytes -= byId.remove(oldest).bytes();
                w.deleteDocuments(new Term(ID, oldest));
                evictions.incrementAndGet();
            }
            this.writer = w;
            this.searchers = new SearcherManager(w, null);
        } catch (IOException | RuntimeException e) {
            try {
                if (w != null) {
                    w.rollback(); // releases the folder's lock, keeps what it held on disk
                }
                directory.close();
            } catch (IOException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    @Override
    public List<Match> nearest(String partition, float[] vector, int k) {
        if (vector.length != dimensions || k < 1) {
            return List.of();
        }
        try {
            if (dirty) {
                dirty = false;
                searchers.maybeRefreshBlocking();
            }
            IndexSearcher searcher = searchers.acquire();
            try {
                BooleanQuery filter = new BooleanQuery.Builder()
                        .add(new TermQuery(new Term(PART, partition)), BooleanClause.Occur.FILTER)
                        .add(LongPoint.newRangeQuery(EXPIRES, clock.getAsLong() + 1, Long.MAX_VALUE),
                                BooleanClause.Occur.FILTER)
                        .build();
                TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, vector, k, filter), k);
                List<Match> out = new ArrayList<>(top.scoreDocs.length);
                for (var hit : top.scoreDocs) {
                    Document doc = searcher.storedFields().document(hit.doc, STORED);
                    CacheKey answer = new CacheKey(doc.get(NS), doc.get(MODEL), doc.get(ID));
                    // Lucene scores a dot product as (1 + dot) / 2
                    out.add(new Match(answer, doc.get(TEXT), 2 * hit.score - 1));
                }
                return out;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean add(String partition, float[] vector, String text, CacheKey answer, Duration ttl) {
        return add(partition, vector, text, answer, ttl, false);
    }

    @Override
    public boolean add(String partition, float[] vector, String text, CacheKey answer, Duration ttl, boolean durable) {
        if (vector.length != dimensions || ttl.toMillis() < 1) {
            return false;
        }
        long now = clock.getAsLong();
        long expiresAt = now + ttl.toMillis();
        Document doc = new Document();
        doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
        doc.add(new StringField(ID, answer.hash(), Field.Store.YES));
        doc.add(new StringField(PART, partition, Field.Store.NO));
        doc.add(new StringField(NS, answer.namespace(), Field.Store.YES));
        doc.add(new StringField(MODEL, answer.model(), Field.Store.YES));
        doc.add(new LongPoint(EXPIRES, expiresAt));
        doc.add(new StoredField(TEXT, text));
        doc.add(new StoredField(EXPIRES_AT, expiresAt));
        doc.add(new StringField(DURABLE, durable ? "1" : "0", Field.Store.NO));
        synchronized (this) {
            try {
                sweepIfDue(now);
                doc.add(new StoredField(SEQ, seq + 1));
                Meta old = byId.put(answer.hash(), new Meta(++seq, expiresAt, answer.namespace(), answer.model(), entryBytes(text)));
                if (old != null) {
                    bySeq.remove(old.seq());
                    bytes -= old.bytes();
                }
                bytes += entryBytes(text);
                bySeq.put(seq, answer.hash());
                writer.updateDocument(new Term(ID, answer.hash()), doc);
                while (byId.size() > maxEntries || bytes() > maxBytes) {
                    String oldest = bySeq.pollFirstEntry().getValue();
                    bytes -= byId.remove(oldest).bytes();
                    writer.deleteDocuments(new Term(ID, oldest));
                    evictions.incrementAndGet();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            adds.incrementAndGet();
            dirty = true;
        }
        return true;
    }

    private void sweepIfDue(long now) throws IOException {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + 1000;
        List<String> expired = new ArrayList<>();
        byId.forEach((id, meta) -> {
            if (meta.expiresAt() <= now) {
                expired.add(id);
            }
        });
        if (expired.isEmpty()) {
            return;
        }
        for (String id : expired) {
            forget(id);
        }
        writer.deleteDocuments(LongPoint.newRangeQuery(EXPIRES, Long.MIN_VALUE, now));
        expiries.addAndGet(expired.size());
    }

    private void forget(String id) {
        Meta meta = byId.remove(id);
        bySeq.remove(meta.seq());
        bytes -= meta.bytes();
    }

    private long bytes() {
        return bytes;
    }

    static int entryBytes(int dimensions, String text) {
        return dimensions * Float.BYTES + 2 * text.length() + ENTRY_OVERHEAD;
    }

    private int entryBytes(String text) {
        return entryBytes(dimensions, text);
    }

    @Override
    public synchronized long purge(CachePurge scope) {
        List<String> gone = new ArrayList<>();
        byId.forEach((id, meta) -> {
            if (scope.matches(meta.namespace(), meta.model())) {
                gone.add(id);
            }
        });
        try {
            if (scope.namespace() != null) {
                writer.deleteDocuments(new Term(NS, scope.namespace()));
            } else if (scope.model() != null) {
                writer.deleteDocuments(new Term(MODEL, scope.model()));
            } else {
                writer.deleteAll();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String id : gone) {
            forget(id);
        }
        dirty = true;
        return gone.size();
    }

    @Override
    public String feedPosition(String feed) {
        return positions.get(feed);
    }

    @Override
    public void feedPosition(String feed, String position) {
        positions.put(feed, position);
        positionsMoved = true;
    }

    @Override
    public synchronized Stats stats() {
        return new Stats(byId.size(), bytes(), adds.get(), evictions.get(), expiries.get());
    }

    /**
     * Makes what was added or removed so far survive a restart (a no-op in memory or when nothing changed). Its work
     * is what changed since the last commit; it may run alongside adds and searches. False once closed.
     */
    boolean commit() {
        try {
            savePositions();
            if (writer.hasUncommittedChanges()) {
                writer.commit();
            }
            return true;
        } catch (org.apache.lucene.store.AlreadyClosedException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hands the feeds' positions to the next commit (read before it: it covers every entry added up to them). */
    private void savePositions() {
        if (positionsMoved) {
            positionsMoved = false;
            Map<String, String> data = new HashMap<>();
            positions.forEach((feed, position) -> data.put("feed:" + feed, position));
            writer.setLiveCommitData(data.entrySet());
        }
    }

    @Override
    public synchronized void close() {
        try {
            savePositions(); // the close commits
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
