package dev.trustctl.errors;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** An I/O failure trustctl raises itself, carrying what {@link KnownFailure} asks of it: its row, fields and words. */
public abstract class KnownIOException extends IOException implements KnownFailure {
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

    @Override
    public ErrorMap.Row row() {
        return row;
    }

    @Override
    public List<Map.Entry<String, Object>> fields() {
        return fields;
    }

    @Override
    public String inWords() {
        return words;
    }
}
