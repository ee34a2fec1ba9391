package dev.switchboard.tokens;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Locale;

/**
 * Input tokens charged for media parts, erring high: the gateway does not decode images or audio, so it charges
 * what the largest accepted input could cost.
 * <ul>
 * <li>Images: {@link #IMAGE_UPPER_BOUND} (gpt-4o's largest high-detail image is 1,445 tokens, Claude's ~1,600,
 *     the patch-based gpt-4.1-mini/nano and o4-mini up to 3,779); {@code detail: low} is 85 on models that honour
 *     it. gpt-4o-mini counts image tokens ~33x (same dollars at its lower price): 2,833 low, 48,200 high.</li>
 * <li>Audio: {@link #AUDIO_TOKENS_PER_KB} tokens per KB of decoded audio, i.e. 32 tokens a second (Gemini's rate;
 *     OpenAI's is 10) for audio of at least 8 kbit/s.</li>
 * <li>Inline files and documents (PDF pages become text and an image each): one token per
 *     {@link #FILE_BYTES_PER_TOKEN} decoded bytes, at least an image's bound.</li>
 * <li>Files by id or URL: their size is unknown here; {@link #FILE_REFERENCE} is a guess, not a bound (the
 *     settlement after the call charges the real usage).</li>
 * </ul>
 */
final class MediaCharge {
    static final int IMAGE_UPPER_BOUND = 4_000;
    static final int IMAGE_LOW_DETAIL = 85;
    static final int MINI_IMAGE_HIGH = 48_200;
    static final int MINI_IMAGE_LOW = 2_833;
    static final int AUDIO_TOKENS_PER_KB = 32;
    static final int FILE_BYTES_PER_TOKEN = 2;
    static final int FILE_REFERENCE = 10_000;

    private static final MediaCharge DEFAULT = new MediaCharge(IMAGE_UPPER_BOUND, IMAGE_LOW_DETAIL);
    /** Patch-based small models ignore {@code detail}. */
    private static final MediaCharge NO_LOW_DETAIL = new MediaCharge(IMAGE_UPPER_BOUND, IMAGE_UPPER_BOUND);
    private static final MediaCharge GPT_4O_MINI = new MediaCharge(MINI_IMAGE_HIGH, MINI_IMAGE_LOW);

    private final int image;
    private final int lowDetailImage;

    private MediaCharge(int image, int lowDetailImage) {
        this.image = image;
        this.lowDetailImage = lowDetailImage;
    }

    static MediaCharge forModel(String model) {
        if (model == null) {
            return DEFAULT;
        }
        String m = model.toLowerCase(Locale.ROOT);
        m = m.substring(m.lastIndexOf('/') + 1);
        if (m.startsWith("gpt-4o-mini")) {
            return GPT_4O_MINI;
        }
        return m.contains("-mini") || m.contains("-nano") ? NO_LOW_DETAIL : DEFAULT;
    }

    /** {@code image_url}: a URL string, or {url, detail}. */
    long image(JsonParser p, JsonToken value) throws IOException {
        boolean low = false;
        if (value == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("detail") && v == JsonToken.VALUE_STRING) {
                    low = "low".equals(p.getText());
                }
                p.skipChildren();
            }
        } else {
            p.skipChildren();
        }
        return low ? lowDetailImage : image;
    }

    /** {@code input_audio}: {data (base64), format}. */
    long audio(JsonParser p, JsonToken value) throws IOException {
        long base64 = 0;
        if (value == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("data") && v == JsonToken.VALUE_STRING) {
                    base64 = p.getTextLength();
                }
                p.skipChildren();
            }
        } else {
            p.skipChildren();
        }
        return Math.max(AUDIO_TOKENS_PER_KB, decoded(base64) * AUDIO_TOKENS_PER_KB / 1024);
    }

    /**
     * OpenAI's {@code file} object ({file_data | file_id, filename}) or Anthropic's {@code source} ({type, media_type,
     * data | url | file_id}); an image when its media type or the part's type says so. A string value (a search
     * result's source URL) is text-sized and charged as a reference.
     */
    long source(JsonParser p, JsonToken value, String partType) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return value == JsonToken.VALUE_STRING ? Math.min(p.getTextLength(), 1024) : 0;
        }
        long data = -1;
        boolean image = isImage(partType);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if ((field.equals("data") || field.equals("file_data")) && v == JsonToken.VALUE_STRING) {
                data = p.getTextLength();
            } else if (field.equals("media_type") && v == JsonToken.VALUE_STRING) {
                image |= p.getText().startsWith("image/");
            }
            p.skipChildren();
        }
        if (image) {
            return this.image;
        }
        return data < 0 ? FILE_REFERENCE : file(data);
    }

    /** A part-level {@code data} / {@code file_data} string: an image's bound or a file by size. */
    long data(JsonParser p, JsonToken value, String partType) throws IOException {
        long length = value == JsonToken.VALUE_STRING ? p.getTextLength() : 0;
        p.skipChildren();
        return isImage(partType) ? image : file(length);
    }

    /** A file or image given by id or URL. */
    long reference(String partType) {
        return isImage(partType) ? image : FILE_REFERENCE;
    }

    private long file(long base64Chars) {
        return Math.max(image, decoded(base64Chars) / FILE_BYTES_PER_TOKEN);
    }

    private static boolean isImage(String partType) {
        return partType != null && partType.contains("image");
    }

    private static long decoded(long base64Chars) {
        return base64Chars * 3 / 4;
    }
}
