package io.tiercache.consistency;

/**
 * Command line entry point: runs the checker with the given options, prints the report,
 * and exits with status 1 if any violation was found (2 on bad arguments), so that a
 * script or a CI job fails on a broken guarantee.
 */
public final class ConsistencyChecker {

	private ConsistencyChecker() {
	}

	public static void main(String[] args) {
		CheckerOptions options;
		try {
			if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
				System.out.println(CheckerOptions.USAGE);
				return;
			}
			options = CheckerOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.println(CheckerOptions.USAGE);
			System.exit(2);
			return;
		}
		long violations;
		if (options.processes()) {
			ProcessRunResult result = new ProcessRun(options).execute();
			System.out.println(result.report());
			violations = result.violations();
		}
		else {
			RunResult result = new ConsistencyRun(options).execute();
			System.out.println(RunReport.format(result));
			violations = result.violations();
		}
		System.exit((violations > 0) ? 1 : 0);
	}

}
