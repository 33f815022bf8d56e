/**
 * The model-based test of upload-only pairs on KooDrive (the other half of the seeds of
 * `model-kdocs.test.ts`, the same checks).
 */
import { inProcessSuites } from "../../../testing/model/suite.ts";

inProcessSuites("koodrive");
