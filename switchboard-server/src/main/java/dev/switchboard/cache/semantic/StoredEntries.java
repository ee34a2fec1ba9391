package dev.switchboard.cache.semantic;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.Bits;

/**
 * Rebuilds {@link LuceneSemanticIndex}'s bookkeeping (entries in the order they were added, their expiry, tenant,
 * model and size) from the stored fields of a reopened folder, after dropping what must not come back: expired
 * entries, and entries whose answers lived in the process that added them (an in-process store's answers are gone).
 * Reads every entry once and checks every file's checksum (call it off the event loop).
 */
final class StoredEntries {
    private static final Set<String> FIELDS = Set.of(LuceneSemanticIndex.ID, LuceneSemanticIndex.NS,
            LuceneSemanticIndex.MODEL, LuceneSemanticIndex.TEXT, LuceneSemanticIndex.SEQ, LuceneSemanticIndex.EXPIRES_AT);

    private StoredEntries() {}

    /** Fills {@code byId} and {@code bySeq} from {@code writer}'s index; the highest sequence number found. */
    static long reload(IndexWriter writer, int dimensions, long now, Map<String, LuceneSemanticIndex.Meta> byId,
            TreeMap<Long, String> bySeq) throws IOException {
        if (writer.getDocStats().numDocs == 0) {
            return 0;
        }
        writer.deleteDocuments(LongPoint.newRangeQuery(LuceneSemanticIndex.EXPIRES, Long.MIN_VALUE, now),
                new TermQuery(new Term(LuceneSemanticIndex.DURABLE, "0")));
        long max = 0;
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                LeafReader r = leaf.reader();
                r.checkIntegrity(); // checksums of every file: a damaged folder is found now, not on a later search
                Bits live = r.getLiveDocs();
                StoredFields stored = r.storedFields();
                for (int d = 0; d < r.maxDoc(); d++) {
                    if (live != null && !live.get(d)) {
                        continue;
                    }
                    Document doc = stored.document(d, FIELDS);
                    String id = doc.get(LuceneSemanticIndex.ID);
                    var seq = doc.getField(LuceneSemanticIndex.SEQ);
                    var expiresAt = doc.getField(LuceneSemanticIndex.EXPIRES_AT);
                    if (id == null || seq == null || expiresAt == null || doc.get(LuceneSemanticIndex.TEXT) == null) {
                        throw new org.apache.lucene.index.CorruptIndexException("an entry lacks its fields", "doc " + d);
                    }
                    long n = seq.numericValue().longValue();
                    LuceneSemanticIndex.Meta meta = new LuceneSemanticIndex.Meta(n,
                            expiresAt.numericValue().longValue(), doc.get(LuceneSemanticIndex.NS), doc.get(LuceneSemanticIndex.MODEL),
                            LuceneSemanticIndex.entryBytes(dimensions, doc.get(LuceneSemanticIndex.TEXT)));
                    LuceneSemanticIndex.Meta old = byId.put(id, meta);
                    if (old != null) { // one add per key is the rule; should two survive, the later one counts
                        bySeq.remove(old.seq());
                        if (old.seq() > n) {
                            byId.put(id, old);
                            bySeq.put(old.seq(), id);
                            continue;
                        }
                    }
                    bySeq.put(n, id);
                    max = Math.max(max, n);
                }
            }
        }
        return max;
    }
}
