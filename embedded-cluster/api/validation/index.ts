/**
 * Generic validation of Kubernetes API objects: name formats, metadata,
 * labels and selectors, quantities, network addresses, cron schedules, and
 * the formatter that words problems exactly as Kubernetes does.
 *
 * @example
 *   const problems = validateObjectMeta(pod.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
 *   if (problems.length) throw invalidError('', 'Pod', pod.metadata.name ?? '', problems);
 */
export * from './problems.js';
export * from './format.js';
export * from './names.js';
export * from './metadata.js';
export * from './selectors.js';
export * from './quantity.js';
export * from './network.js';
export * from './cron.js';
