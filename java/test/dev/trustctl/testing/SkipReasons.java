package dev.trustctl.testing;

import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Says at the end of a run why tests did not run: the console launcher's summary only counts skipped and
 * aborted tests (a skipped class counts as one). One line per reason with how many it held back, so a skip is
 * never silent. Registered through
 * META-INF/services, so every launcher run on the test classpath has it.
 */
public final class SkipReasons implements TestExecutionListener {
    private final Map<String, Integer> skipped = new TreeMap<>();

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        skipped.merge("skipped: " + reason, 1, Integer::sum);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            String reason = result.getThrowable().map(Throwable::getMessage).orElse("no reason given");
            skipped.merge("aborted (an assumption failed): " + reason, 1, Integer::sum);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        skipped.forEach((reason, n) -> System.out.println("not run (" + n + "): " + reason));
    }
}
