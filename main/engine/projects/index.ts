/** The project store and registry: what the engine's service and other subsystems import. */
export { createConfigStore, type ConfigChange, type ConfigStore, type ConfigStoreOptions } from './store';
export { addProject, checkDomains, getProject, removeProject, setEnabled, setHttps, updateProject, type AddProjectInput, type ProjectChange } from './registry';
export { setProjectField, PROJECT_FIELD_KEYS, type ProjectFieldKey } from './fields';
export { HSTS_MAX_AGE_SECONDS, MAX_HSTS_RESET_SECONDS, effectiveHstsMaxAge } from './hsts-reset';
export { CONFIG_MIGRATIONS, latestVersion, migrate, type Migrated, type MigrationStep, type MigrationTable, type VersionedDocument } from './migrations';
