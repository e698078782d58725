package dev.trustctl.server;

import dev.trustctl.threads.VirtualThreads;
import java.lang.reflect.Field;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips, saying why, the tests of a class parameterised over {@link Io} whose engine this JVM cannot run:
 * {@code virtual} before Java 21. The engine is the test instance's {@code Io} field (its {@code @Parameter}).
 */
final class EngineAvailable implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Io io = context.getTestInstance().map(EngineAvailable::engineOf).orElse(null);
        if (io != Io.VIRTUAL || VirtualThreads.available()) {
            return ConditionEvaluationResult.enabled("this JVM runs --io " + (io == null ? "any" : io.label()));
        }
        return ConditionEvaluationResult.disabled("--io virtual needs Java " + VirtualThreads.NEEDED_RELEASE
                + " or newer; this JVM is Java " + VirtualThreads.runningVersion());
    }

    /** The engines this JVM can run, for tests that draw one (a property) rather than run each. */
    static List<Io> runnable() {
        return Stream.of(Io.values()).filter(io -> io != Io.VIRTUAL || VirtualThreads.available()).toList();
    }

    private static Io engineOf(Object testInstance) {
        for (Field f : testInstance.getClass().getDeclaredFields()) {
            if (f.getType() == Io.class) {
                try {
                    f.setAccessible(true);
                    return (Io) f.get(testInstance);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read the engine of " + testInstance.getClass(), e);
                }
            }
        }
        return null;
    }
}
