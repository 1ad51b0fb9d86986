/** Each person's notifications, with the unread count in the navigation. */
import { z } from 'zod';
import { actorOf, requireSignIn, type AppModule } from '../http/app.ts';
import { NotFoundError } from '../http/errors.ts';
import { render } from '../http/render.ts';
import { listNotifications, markAllRead, markRead, unreadCount } from './in-app.ts';

declare module '../http/render.ts' {
  interface ViewModels {
    'platform/notifications': {
      notifications: Array<{ id: string; title: string; body: string | null; link: string | null; createdAt: Date; readAt: Date | null }>;
    };
  }
}

export const notifyModule: AppModule = {
  navigation: [{ href: '/notifications', text: 'Notifications', count: (db, actor) => unreadCount(db, actor.userId) }],
  register(app, { db }) {
    app.get('/notifications', requireSignIn, async (_req, res) => {
      render(res, 'platform/notifications', { notifications: await listNotifications(db, actorOf(res)) });
    });

    app.post('/notifications/:notificationId/read', requireSignIn, async (req, res) => {
      const id = z.uuid().safeParse(req.params.notificationId);
      if (!id.success) throw new NotFoundError();
      const link = await markRead(db, actorOf(res), id.data);
      res.redirect(303, link ?? '/notifications');
    });

    app.post('/notifications/read-all', requireSignIn, async (_req, res) => {
      await markAllRead(db, actorOf(res));
      res.redirect(303, '/notifications');
    });
  },
};
