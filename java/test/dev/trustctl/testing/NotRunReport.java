package dev.trustctl.testing;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Lists every test that did not run, with its reason, at the end of a JUnit run: skipped ones (disabled) and
 * aborted ones (an assumption failed, such as too low an open-file limit). The console launcher's summary only
 * counts them, so a test that quietly stopped running would go unseen. Registered through
 * {@code META-INF/services}, so every run of the console launcher on the test classes uses it.
 */
public final class NotRunReport implements TestExecutionListener {
    private final List<String> notRun = new ArrayList<>();
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        notRun.clear();
    }

    @Override
    public synchronized void executionSkipped(TestIdentifier test, String reason) {
        notRun.add("skipped  " + name(test) + ": " + reason);
    }

    @Override
    public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            String reason = result.getThrowable().map(Throwable::getMessage).orElse("no reason given");
            notRun.add("aborted  " + name(test) + ": " + reason);
        }
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
        if (notRun.isEmpty()) {
            return;
        }
        PrintStream out = System.out;
        out.println("junit: " + notRun.size() + (notRun.size() == 1 ? " test" : " tests") + " did not run:");
        notRun.forEach(line -> out.println("  " + line));
    }

    /** {@code ManyClientsProcessTest > tenThousandIdleConnectionsAreHeldOnAFewThreads()}: class, then test. */
    private String name(TestIdentifier test) {
        StringBuilder name = new StringBuilder(test.getDisplayName());
        for (TestIdentifier up = parent(test); up != null && parent(up) != null; up = parent(up)) {
            name.insert(0, up.getDisplayName() + " > ");
        }
        return name.toString();
    }

    private TestIdentifier parent(TestIdentifier test) {
        return plan == null ? null : plan.getParent(test).orElse(null);
    }
}
