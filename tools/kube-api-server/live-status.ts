// The status a healthy cluster's controllers would have written by the time a
// test reads an object: a rolled-out Deployment, a ready StatefulSet, a completed
// Job, a bound-to-nothing PVC. The test server runs no controllers; it writes
// this status once, on each write, from the object's spec. Fields are in the Go
// structs' order, as a real server serializes them.
import { createHash } from 'node:crypto';
import { jsonText } from '../../src/exact-integers.js';

type Obj = Record<string, any>;

export interface StatusContext {
  time: string;
  /** Nodes in the cluster: how many pods a DaemonSet runs. */
  nodeCount: number;
  /** An IP for a Pod (10.244.0.0/16, kind's pod network). */
  podIP: () => string;
}

/** pod-template-hash / controller-revision names: a hash in the apiserver's safe alphabet (rand.SafeEncodeString). */
export function templateHash(template: unknown): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digest = createHash('sha256').update(jsonText(template ?? {})).digest();
  return [...digest.subarray(0, 10)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

const positive = (key: string, value: number): Obj => (value > 0 ? { [key]: value } : {});

function deploymentStatus(object: Obj, time: string): Obj {
  const replicas = object.spec?.replicas ?? 1;
  const name = object.metadata.name;
  return {
    observedGeneration: object.metadata.generation,
    ...positive('replicas', replicas),
    ...positive('updatedReplicas', replicas),
    ...positive('readyReplicas', replicas),
    ...positive('availableReplicas', replicas),
    conditions: [
      { type: 'Available', status: 'True', lastUpdateTime: time, lastTransitionTime: time,
        reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
      { type: 'Progressing', status: 'True', lastUpdateTime: time, lastTransitionTime: time, reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${name}-${templateHash(object.spec?.template)}" has successfully progressed.` },
    ],
  };
}

function statefulSetStatus(object: Obj): Obj {
  const replicas = object.spec?.replicas ?? 1;
  const revision = `${object.metadata.name}-${templateHash(object.spec?.template)}`;
  return {
    observedGeneration: object.metadata.generation,
    replicas,
    ...positive('readyReplicas', replicas),
    ...positive('currentReplicas', replicas),
    ...positive('updatedReplicas', replicas),
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0,
    availableReplicas: replicas,
  };
}

function daemonSetStatus(object: Obj, nodes: number): Obj {
  return {
    currentNumberScheduled: nodes,
    numberMisscheduled: 0,
    desiredNumberScheduled: nodes,
    numberReady: nodes,
    observedGeneration: object.metadata.generation,
    ...positive('updatedNumberScheduled', nodes),
    ...positive('numberAvailable', nodes),
  };
}

function jobStatus(object: Obj, time: string): Obj {
  if (object.spec?.suspend === true) return {};
  const reached = { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
  return {
    conditions: [
      { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: time, lastTransitionTime: time, ...reached },
      { type: 'Complete', status: 'True', lastProbeTime: time, lastTransitionTime: time, ...reached },
    ],
    startTime: time,
    completionTime: time,
    succeeded: object.spec?.completions ?? 1,
    terminating: 0,
    uncountedTerminatedPods: {},
    ready: 0,
  };
}

function podStatus(object: Obj, context: StatusContext): Obj {
  const time = context.time;
  const ip = context.podIP();
  const containers: Obj[] = object.spec?.containers ?? [];
  const condition = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: time });
  const hasResources = containers.some((c) => Object.keys(c.resources ?? {}).length > 0);
  return {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(condition),
    hostIP: '172.18.0.2',
    hostIPs: [{ ip: '172.18.0.2' }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: time,
    containerStatuses: containers.map((c) => ({
      name: c.name,
      state: { running: { startedAt: time } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: c.image,
      imageID: `docker.io/library/${c.image}@sha256:${createHash('sha256').update(String(c.image)).digest('hex')}`,
      containerID: `containerd://${createHash('sha256').update(`${object.metadata.uid}/${c.name}`).digest('hex')}`,
      started: true,
    })),
    qosClass: hasResources ? 'Burstable' : 'BestEffort',
  };
}

function crdStatus(object: Obj, time: string): Obj {
  const versions: Obj[] = object.spec?.versions ?? [];
  const storage = versions.find((v) => v.storage === true) ?? versions[0];
  return {
    conditions: [
      { type: 'NamesAccepted', status: 'True', lastTransitionTime: time, reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', lastTransitionTime: time, reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted' },
    ],
    acceptedNames: object.spec?.names ?? {},
    storedVersions: storage ? [storage.name] : [],
  };
}

function podDisruptionBudgetStatus(object: Obj, time: string): Obj {
  const generation = object.metadata.generation;
  return {
    observedGeneration: generation,
    disruptionsAllowed: 0,
    currentHealthy: 0,
    desiredHealthy: typeof object.spec?.minAvailable === 'number' ? object.spec.minAvailable : 0,
    expectedPods: 0,
    conditions: [{ type: 'DisruptionAllowed', status: 'False', observedGeneration: generation, lastTransitionTime: time,
      reason: 'InsufficientPods', message: '' }],
  };
}

/** The status to store, or undefined for kinds that have none (ConfigMap, Secret, RBAC...). */
export function liveStatusFor(group: string, kind: string, object: Obj, context: StatusContext): Obj | undefined {
  const { time } = context;
  switch (`${group}/${kind}`) {
    case 'apps/Deployment': return deploymentStatus(object, time);
    case 'apps/StatefulSet': return statefulSetStatus(object);
    case 'apps/DaemonSet': return daemonSetStatus(object, context.nodeCount);
    case 'apps/ReplicaSet': {
      const replicas = object.spec?.replicas ?? 1;
      return { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas,
        observedGeneration: object.metadata.generation };
    }
    case 'batch/Job': return jobStatus(object, time);
    case 'batch/CronJob': return {};
    case '/Pod': return podStatus(object, context);
    case '/Service': case 'networking.k8s.io/Ingress': return { loadBalancer: {} };
    case '/Namespace': return { phase: 'Active' };
    case '/PersistentVolumeClaim': return { phase: 'Pending' };
    case '/PersistentVolume': return { phase: 'Available', lastPhaseTransitionTime: time };
    case '/ResourceQuota': {
      const hard = object.spec?.hard ?? {};
      return { hard, used: Object.fromEntries(Object.keys(hard).map((key) => [key, '0'])) };
    }
    case 'policy/PodDisruptionBudget': return podDisruptionBudgetStatus(object, time);
    case 'autoscaling/HorizontalPodAutoscaler': {
      const replicas = object.spec?.minReplicas ?? 1;
      return { currentReplicas: replicas, desiredReplicas: replicas };
    }
    case 'apiextensions.k8s.io/CustomResourceDefinition': return crdStatus(object, time);
    default: return undefined;
  }
}
