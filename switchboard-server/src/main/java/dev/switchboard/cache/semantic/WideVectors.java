package dev.switchboard.cache.semantic;

import java.io.IOException;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * Lucene's default codec with vectors up to {@link #MAX_DIMENSIONS} long: its HNSW format refuses more than 1,024
 * dimensions by default, and providers' models have more (OpenAI's text-embedding-3-small 1,536, -large 3,072). The
 * files are the standard HNSW format's, under its name, so any Lucene reads them back.
 */
final class WideVectors {
    /** The longest vector indexed; a provider embedder's {@code dimensions} are checked against it. */
    static final int MAX_DIMENSIONS = 4096;

    private WideVectors() {}

    static Codec codec() {
        KnnVectorsFormat hnsw = new Lucene99HnswVectorsFormat();
        KnnVectorsFormat wide = new KnnVectorsFormat(hnsw.getName()) {
            @Override
            public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
                return hnsw.fieldsWriter(state);
            }

            @Override
            public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
                return hnsw.fieldsReader(state);
            }

            @Override
            public int getMaxDimensions(String field) {
                return MAX_DIMENSIONS;
            }
        };
        return new Lucene103Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return wide;
            }
        };
    }
}
