/** The projects: one card each with its switches and TLS details, then the add form; a guide when there are none. */
import type { Status } from '../../shared/status';
import { useEngine } from '../state/context';
import { useStore } from '../state/store';
import { AddProjectForm } from './AddProjectForm';
import { FirstRunGuide } from './FirstRunGuide';
import { ProjectCard } from './ProjectCard';

export interface ProjectsViewProps {
  status: Status;
  /** Switches to the CA and trust tab. */
  onShowTrust(): void;
}

export function ProjectsView({ status, onShowTrust }: ProjectsViewProps) {
  const { requests } = useEngine();
  const log = useStore(requests);

  if (status.projects.length === 0) return <FirstRunGuide onShowTrust={onShowTrust} />;

  return (
    <div className="projects">
      <section aria-labelledby="projects-heading">
        <h2 id="projects-heading">Projects</h2>
        <ul className="project-list">
          {status.projects.map((project) => (
            <ProjectCard key={project.project.name} status={project} tls={status.tls} entries={log.entries} />
          ))}
        </ul>
      </section>
      <AddProjectForm />
    </div>
  );
}
