import { type CustomDecorator, SetMetadata } from "@nestjs/common"

/** The metadata key `@ProfileDataset()` sets. */
export const PROFILE_DATASET = "@sketchlog/nest:profile-dataset"

/**
 * Profiles a controller's or a handler's requests into their own dataset instead of the module's
 * (`@ProfileDataset("fraud-model")`); a handler's wins over its controller's. Requests that a guard
 * turns away before the handler is known still go to the module's dataset.
 */
export const ProfileDataset = (datasetId: string): CustomDecorator<string> => {
  // Checked here, when the class loads, rather than on the first request.
  if (typeof datasetId !== "string" || datasetId.length === 0 || datasetId.length > 256) {
    throw new TypeError("@ProfileDataset(datasetId): the dataset id must be 1 to 256 characters")
  }
  return SetMetadata(PROFILE_DATASET, datasetId)
}
