package dev.trustctl.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Found by logback through META-INF/services: it configures nothing, so logback neither parses XML
 * nor prints to the console at start-up. {@link Log#start} attaches the file appender once
 * TRUST_HOME is known.
 */
public final class QuietConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
