package dev.trustctl.errors;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A failure trustctl raises itself (a deadline, an oversize header, a message cut short): it names its row of
 * the {@link ErrorMap}, the fields its log line carries (sizes and limits, never payload bytes) and its words for
 * {@code --trace}, so no caller has to take it apart by type.
 */
public abstract class KnownIOException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient ErrorMap.Row row;
    private final transient List<Map.Entry<String, Object>> fields;
    private final String words;

    protected KnownIOException(String message, ErrorMap.Row row, List<Map.Entry<String, Object>> fields,
            String words) {
        super(message);
        this.row = row;
        this.fields = fields;
        this.words = words;
    }

    public ErrorMap.Row row() {
        return row;
    }

    public List<Map.Entry<String, Object>> fields() {
        return fields;
    }

    public String inWords() {
        return words;
    }
}
