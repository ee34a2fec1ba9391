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

/**
 * The in-process index: Lucene's HNSW graph over unit vectors (dot product), in memory. One document per answer key
 * (a later add for the same key replaces it), filtered to one partition and to live entries at search time. Bounded
 * by entries and by bytes (oldest added evicted first, like a FIFO: hits are counted by the answer store, and an
 * answer evicted there makes its entry a miss anyway); expired entries are removed at most once a second on a write.
 * Writes take a lock; searches do not (a searcher is refreshed after writes, on the next search).
 */
public final class LuceneSemanticIndex implements SemanticIndex {
    /** Heap an entry costs beyond its vector and text: graph links, the id, partition and stored fields, bookkeeping. */
    static final int ENTRY_OVERHEAD = 512;

    private static final String VECTOR = "v";
    private static final String ID = "id";
    private static final String PART = "part";
    private static final String NS = "ns";
    private static final String MODEL = "model";
    private static final String EXPIRES = "exp";
    private static final String TEXT = "text";
    private static final Set<String> STORED = Set.of(ID, NS, MODEL, TEXT);

    private record Meta(long seq, long expiresAt, String namespace, String model, int bytes) {}

    private final int dimensions;
    private final long maxEntries;
    private final long maxBytes;
    private final LongSupplier clock;
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Map<String, Meta> byId = new HashMap<>();
    private final TreeMap<Long, String> bySeq = new TreeMap<>();
    private final AtomicLong adds = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong expiries = new AtomicLong();
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
        if (dimensions < 1 || dimensions > WideVectors.MAX_DIMENSIONS || maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("dimensions (at most " + WideVectors.MAX_DIMENSIONS + ") and bounds must be positive");
        }
        this.dimensions = dimensions;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.clock = clock;
        ConcurrentMergeScheduler merges = new ConcurrentMergeScheduler();
        merges.setMaxMergesAndThreads(2, 1); // one background merge thread: the machine's cores serve requests
        IndexWriterConfig config = new IndexWriterConfig().setMergeScheduler(merges)
                .setCodec(WideVectors.codec()); // a provider's model may have more than Lucene's default 1,024 dimensions
        try {
            this.writer = new IndexWriter(directory, config);
            this.searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
        synchronized (this) {
            try {
                sweepIfDue(now);
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

    private int entryBytes(String text) {
        return dimensions * Float.BYTES + 2 * text.length() + ENTRY_OVERHEAD;
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
    public synchronized Stats stats() {
        return new Stats(byId.size(), bytes(), adds.get(), evictions.get(), expiries.get());
    }

    @Override
    public synchronized void close() {
        try {
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
