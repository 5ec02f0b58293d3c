import * as assert from 'node:assert/strict';
import { matchProfiles, repositoryId, slugOf } from '../../../src/core/commit/repositoryMatch';

const id = (s: string) => {
  const r = repositoryId(s);
  return r && `${r.host ?? ''}|${r.path}`;
};
const profile = (name: string, repositoryName?: string) => ({ name, repositoryName });
const names = (ps: { name: string }[]) => ps.map((p) => p.name);

describe('core/repositoryMatch: a remote and a profile on host + full path', () => {
  it('normalises every spelling of one repository to host + full path (lowercase host, no .git, user or port)', () => {
    const cases: [string, string][] = [
      ['https://github.com/Acme/App.git', 'github.com|acme/app'],
      ['https://user:token@GitHub.com:443/acme/app/', 'github.com|acme/app'],
      ['git@github.com:acme/app.git', 'github.com|acme/app'],
      ['ssh://git@github.com:22/acme/app.git', 'github.com|acme/app'],
      ['ssh://git@ssh.github.com:443/acme/app.git', 'github.com|acme/app'],
      ['https://dev.azure.com/org/project/_git/repo', 'dev.azure.com|org/project/repo'],
      ['https://org@dev.azure.com/org/project/_git/repo', 'dev.azure.com|org/project/repo'],
      ['git@ssh.dev.azure.com:v3/org/project/repo', 'dev.azure.com|org/project/repo'],
      ['org@vs-ssh.visualstudio.com:v3/org/project/repo', 'dev.azure.com|org/project/repo'],
      ['https://org.visualstudio.com/DefaultCollection/project/_git/repo', 'dev.azure.com|org/project/repo'],
      ['https://gitlab.com/group/sub/repo.git', 'gitlab.com|group/sub/repo'],
      ['git@gitlab.com:group/sub/repo.git', 'gitlab.com|group/sub/repo'],
      ['gitlab.com/group/sub/repo', 'gitlab.com|group/sub/repo'],
      ['https://ann@bitbucket.org/team/repo.git', 'bitbucket.org|team/repo'],
      ['git@bitbucket.org:team/repo.git', 'bitbucket.org|team/repo'],
      ['acme/ios-app', '|acme/ios-app'],
    ];
    for (const [input, want] of cases) {
      assert.equal(id(input), want, input);
    }
    assert.equal(repositoryId(''), undefined);
    assert.equal(repositoryId('https://github.com/'), undefined);
    assert.equal(slugOf({ host: 'gitlab.com', path: 'group/sub/repo' }), 'sub/repo');
  });

  it('matches on host + full path: both Azure spellings, a GitLab subgroup, a bare name on its whole path', () => {
    const ps = [profile('azure', 'https://dev.azure.com/org/project/_git/repo'), profile('other', 'github.com/acme/other')];
    assert.deepEqual(names(matchProfiles(ps, ['org@vs-ssh.visualstudio.com:v3/org/project/repo'])), ['azure']);
    const gl = [profile('mine', 'gitlab.com/group/sub/repo'), profile('theirs', 'gitlab.com/other/sub/repo')];
    assert.deepEqual(names(matchProfiles(gl, ['git@gitlab.com:group/sub/repo.git'])), ['mine'], 'not the other group’s sub/repo');
    const bare = [profile('ios', 'acme/app'), profile('android', 'Acme/App'), profile('web', 'acme/web')];
    assert.deepEqual(names(matchProfiles(bare, ['git@github.com:acme/app.git'])), ['ios', 'android'], 'several profiles of one repo');
  });

  it('the owner/name slug only as a fallback, never a guess between two hosts', () => {
    // a full match wins over a slug match
    const ps = [profile('gh', 'https://github.com/acme/app'), profile('gl', 'https://gitlab.com/acme/app')];
    assert.deepEqual(names(matchProfiles(ps, ['git@gitlab.com:acme/app.git'])), ['gl']);
    // no full match, the slug names profiles on two hosts: ambiguous, no match rather than a guess
    assert.deepEqual(matchProfiles(ps, ['git@bitbucket.org:acme/app.git']), []);
    // no full match, one host: the slug matches (a mirror on another host, a subgroup named by its last two segments)
    assert.deepEqual(names(matchProfiles([ps[0] ?? profile('x')], ['https://mirror.example.com/acme/app'])), ['gh']);
    assert.deepEqual(names(matchProfiles([profile('sub', 'sub/repo')], ['https://gitlab.com/group/sub/repo'])), ['sub']);
    // the same host and another full path: that host has said no
    assert.deepEqual(matchProfiles([profile('theirs', 'gitlab.com/other/sub/repo')], ['https://gitlab.com/group/sub/repo']), []);
    // nothing to match with
    assert.deepEqual(matchProfiles([profile('none'), profile('x', 'acme/app')], []), []);
    assert.deepEqual(matchProfiles([profile('none')], ['git@github.com:acme/app.git']), []);
  });
});
