/**
 * The model-based test of upload-only pairs on KDocs: seeded random folder operations, passes,
 * restarts and injected faults against the real engine and the local cloud, checked at every
 * quiescent point (the cloud equals the folder, no name twice, documents keep their tokens, an idle
 * pass sends nothing). A failure prints its seed, what happened, the diff and the command that
 * replays it. Counts and features: `testing/model/suite.ts` and `testing/model/features.ts`.
 */
import { inProcessSuites } from "../../../testing/model/suite.ts";

inProcessSuites("kdocs");
