package dev.trustctl.errors;

import java.util.List;
import java.util.Map;

/**
 * A failure trustctl raises itself (a deadline, an oversize header, a message cut short): it names its row of
 * the {@link ErrorMap} and the fields its log line carries, so no caller has to take it apart by type.
 */
public interface KnownFailure {
    ErrorMap.Row row();

    /** The log line's fields that describe this failure, in order (sizes and limits, never payload bytes). */
    List<Map.Entry<String, Object>> fields();

    /** The failure in a few words for a person watching the wire ({@code --trace}). */
    String inWords();
}
